/**
 * The database exporters of the local stack (Debian's prometheus-postgres-exporter and
 * prometheus-redis-exporter), each on a loopback port, scraped by Prometheus.
 */
import type { Component } from "../stack/component.ts";
import type { StackConfig } from "../stack/config.ts";
import { daemonComponent } from "../stack/daemon.ts";

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
