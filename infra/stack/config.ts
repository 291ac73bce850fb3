/** The stack's configuration: one zod schema over the environment, resolved into paths and ports. */
import { z } from "zod";
import { infraEnv, list, parseConfig, port, positiveInt, topicEnv } from "../../shared/config.ts";
import { pipelineTopicSpecs, type TopicSpec } from "../../shared/kafka/mod.ts";
import type { ClickHouseRole } from "./clickhouse_users.ts";
import { supervisorStatusPath } from "./supervisor_status.ts";

const schema = z.object({
  ...infraEnv,
  ...topicEnv,
  EVENTFLOW_STACK_DIR: z.string().optional(),
  KAFKA_BROKERS: list(["127.0.0.1:9092"]),
  KAFKA_PARTITIONS: positiveInt(6),
  KAFKA_HEAP: z.string().regex(/^\d+[kmg]$/i).default("512m"),
  /** The broker's Prometheus endpoint (JMX exporter agent), on 127.0.0.1. */
  KAFKA_JMX_PORT: port(7071),
  PROMETHEUS_PORT: port(9090),
  INGEST_PORT: port(8080),
  /** Ingest's loopback ops port (`/metrics`, detailed `/readyz`); its public port has neither. */
  INGEST_OPS_PORT: port(8090),
  ENRICH_PORT: port(8081),
  SINK_PORT: port(8082),
  ADMIN_PORT: port(8000),
  ALERTS_PORT: port(8083),
  /** The ClickHouse stand-in's Prometheus endpoint (clickhouse-server's port). */
  CLICKHOUSE_METRICS_PORT: port(9363),
  POSTGRES_EXPORTER_PORT: port(9187),
  REDIS_EXPORTER_PORT: port(9121),
  /** Not 9093: the local broker's controller listens there (Kafka port + 1). */
  ALERTMANAGER_PORT: port(9094),
  /** ClickHouse passwords of the stack's writer and reader; generated once when unset. */
  CLICKHOUSE_WRITER_PASSWORD: z.string().min(1).optional(),
  CLICKHOUSE_READER_PASSWORD: z.string().min(1).optional(),
  QUERY_PORT: port(8084),
  /** `deno task start`'s supervisor: `/metrics` (restarts) and `/status` (pids), loopback only. */
  SUPERVISOR_PORT: port(8089),
});

/** A service the stack scrapes and `start` runs. */
export interface ServiceSpec {
  name: "ingest" | "enrich" | "sink" | "admin" | "alerts" | "query";
  port: number;
  /** Port of `/metrics` when it is not `port` (ingest, passed as `OPS_PORT`). */
  opsPort?: number;
  /** The ClickHouse user it connects as (clickhouse_users.ts); none when it does not. */
  clickhouse?: ClickHouseRole;
}

/** Where Prometheus scrapes each service's `/metrics`. */
export function scrapeTargets(services: ServiceSpec[]): { job: string; port: number }[] {
  return services.map((s) => ({ job: s.name, port: s.opsPort ?? s.port }));
}

/** Fully resolved stack configuration. */
export interface StackConfig {
  /** Root of pid files, logs and data (`<repo>/.stack` unless EVENTFLOW_STACK_DIR). */
  dir: string;
  repoRoot: string;
  kafka: {
    host: string;
    port: number;
    bootstrap: string;
    partitions: number;
    heap: string;
    /** Port of the broker's Prometheus endpoint. */
    jmxPort: number;
  };
  topics: string[];
  /** The same topics as created: partitions, and raw_events' retention (TOPIC_RAW_RETENTION_HOURS). */
  topicSpecs: TopicSpec[];
  clickhouse: {
    url: string;
    port: number;
    database: string;
    /** Passwords from the environment; see clickhouse_users.ts. */
    writerPassword?: string;
    readerPassword?: string;
    /** Port of the stand-in's Prometheus endpoint. */
    metricsPort: number;
  };
  postgres: { url: string };
  redis: { url: string };
  prometheus: { port: number; url: string };
  /** Loopback ports of the database exporters Prometheus scrapes. */
  exporters: { postgres: number; redis: number };
  /** Alertmanager, and the alerts service's receiver it posts to with the token in `tokenFile`. */
  alertmanager: { port: number; receiverUrl: string; tokenFile: string };
  services: ServiceSpec[];
  /** `deno task start`'s supervisor: its loopback port and its status file (supervisor_status.ts). */
  supervisor: { port: number; statusFile: string };
}

/** Absolute path of the repository root (two levels above this file). */
export const REPO_ROOT = decodeURIComponent(new URL("../..", import.meta.url).pathname).replace(
  /\/$/,
  "",
);

/** Parses `env` into a {@linkcode StackConfig}; lists every bad variable at once. */
export function loadStackConfig(env: Record<string, string | undefined>): StackConfig {
  const c = parseConfig(schema, env);
  const bootstrap = c.KAFKA_BROKERS[0] ?? "127.0.0.1:9092";
  const [kafkaHost, kafkaPort] = splitHostPort(bootstrap, 9092);
  const chUrl = new URL(c.CLICKHOUSE_URL);
  const dir = c.EVENTFLOW_STACK_DIR ?? `${REPO_ROOT}/.stack`;
  const absDir = dir.startsWith("/") ? dir : `${Deno.cwd()}/${dir}`;
  return {
    dir: absDir,
    repoRoot: REPO_ROOT,
    kafka: {
      host: kafkaHost,
      port: kafkaPort,
      bootstrap,
      partitions: c.KAFKA_PARTITIONS,
      heap: c.KAFKA_HEAP,
      jmxPort: c.KAFKA_JMX_PORT,
    },
    topics: [c.TOPIC_RAW, c.TOPIC_ENRICHED, c.TOPIC_DEAD_LETTER],
    topicSpecs: pipelineTopicSpecs(
      { raw: c.TOPIC_RAW, enriched: c.TOPIC_ENRICHED, deadLetter: c.TOPIC_DEAD_LETTER },
      { partitions: c.KAFKA_PARTITIONS, rawRetentionHours: c.TOPIC_RAW_RETENTION_HOURS },
    ),
    clickhouse: {
      url: c.CLICKHOUSE_URL,
      port: Number(chUrl.port || (chUrl.protocol === "https:" ? 8443 : 8123)),
      database: c.CLICKHOUSE_DATABASE,
      writerPassword: c.CLICKHOUSE_WRITER_PASSWORD,
      readerPassword: c.CLICKHOUSE_READER_PASSWORD,
      metricsPort: c.CLICKHOUSE_METRICS_PORT,
    },
    postgres: { url: c.DATABASE_URL },
    redis: { url: c.REDIS_URL },
    prometheus: { port: c.PROMETHEUS_PORT, url: `http://127.0.0.1:${c.PROMETHEUS_PORT}` },
    exporters: { postgres: c.POSTGRES_EXPORTER_PORT, redis: c.REDIS_EXPORTER_PORT },
    alertmanager: {
      port: c.ALERTMANAGER_PORT,
      receiverUrl: `http://127.0.0.1:${c.ALERTS_PORT}/api/v1/alertmanager`,
      tokenFile: `${absDir}/alertmanager/receiver_token`,
    },
    services: [
      { name: "ingest", port: c.INGEST_PORT, opsPort: c.INGEST_OPS_PORT },
      { name: "enrich", port: c.ENRICH_PORT },
      { name: "sink", port: c.SINK_PORT, clickhouse: "writer" },
      { name: "admin", port: c.ADMIN_PORT, clickhouse: "reader" },
      { name: "alerts", port: c.ALERTS_PORT },
      { name: "query", port: c.QUERY_PORT, clickhouse: "reader" },
    ],
    supervisor: { port: c.SUPERVISOR_PORT, statusFile: supervisorStatusPath(absDir) },
  };
}

/** Splits `host:port` (IPv6 in brackets allowed), using `fallback` when no port is given. */
export function splitHostPort(address: string, fallback: number): [string, number] {
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(address.trim());
  if (match === null || match[1] === undefined) throw new Error(`Invalid address "${address}"`);
  return [match[1], match[2] === undefined ? fallback : Number(match[2])];
}
