/**
 * The database exporters of the local stack (Debian's prometheus-postgres-exporter and
 * prometheus-redis-exporter) and Alertmanager, each on a loopback port, scraped by Prometheus.
 */
import type { Component } from "./component.ts";
import type { StackConfig } from "./config.ts";
import { daemonComponent } from "./daemon.ts";
import { alertmanagerConfig, ensureReceiverToken } from "../prometheus/alertmanager.ts";

/** PostgreSQL metrics (connections, transactions, cache hits, database size) for DATABASE_URL. */
export function postgresExporterComponent(config: StackConfig): Component {
  const dsn = new URL(config.postgres.url);
  if (!dsn.searchParams.has("sslmode")) dsn.searchParams.set("sslmode", "disable");
  return daemonComponent({
    name: "postgres_exporter",
    dir: `${config.dir}/postgres_exporter`,
    bin: "/usr/bin/prometheus-postgres-exporter",
    args: [`--web.listen-address=127.0.0.1:${config.exporters.postgres}`],
    env: { DATA_SOURCE_NAME: dsn.toString() },
    port: config.exporters.postgres,
    readyPath: "/metrics",
  });
}

/** Redis metrics (clients, memory, hits and misses, evictions) for REDIS_URL. */
export function redisExporterComponent(config: StackConfig): Component {
  const redis = new URL(config.redis.url);
  const args = [
    `-web.listen-address=127.0.0.1:${config.exporters.redis}`,
    `-redis.addr=redis://${redis.hostname || "127.0.0.1"}:${redis.port || 6379}`,
  ];
  const env = redis.password === ""
    ? undefined
    : { REDIS_PASSWORD: decodeURIComponent(redis.password) };
  return daemonComponent({
    name: "redis_exporter",
    dir: `${config.dir}/redis_exporter`,
    bin: "/usr/bin/prometheus-redis-exporter",
    args,
    env,
    port: config.exporters.redis,
    readyPath: "/metrics",
  });
}

/** Alertmanager, routing every alert to the alerts service's receiver. */
export function alertmanagerComponent(config: StackConfig): Component {
  const dir = `${config.dir}/alertmanager`;
  const configFile = `${dir}/alertmanager.yml`;
  return daemonComponent({
    name: "alertmanager",
    dir,
    bin: "/usr/bin/prometheus-alertmanager",
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${dir}/data`,
      `--web.listen-address=127.0.0.1:${config.alertmanager.port}`,
      // A single local instance: no gossip port.
      "--cluster.listen-address=",
    ],
    port: config.alertmanager.port,
    readyPath: "/-/ready",
    prepare: async () => {
      await ensureReceiverToken(config.alertmanager.tokenFile);
      await Deno.writeTextFile(
        configFile,
        alertmanagerConfig({
          receiverUrl: config.alertmanager.receiverUrl,
          tokenFile: config.alertmanager.tokenFile,
        }),
      );
    },
  });
}
