/**
 * The system dashboard's database and broker row: what ClickHouse, PostgreSQL, Redis and the
 * Kafka broker report about themselves (their exporters), beside the services' own view of them.
 * Series names are those of clickhouse-server's Prometheus endpoint (and the local stand-in's),
 * prometheus-postgres-exporter, prometheus-redis-exporter and infra/kafka/jmx.ts's rules.
 * @module
 */
import { prom, row, stat, timeseries } from "./_dashboard.ts";

const R = "$__rate_interval";

/** `sum(rate(metric[…]))`, optionally `by` labels. */
function rate(metric: string, by = ""): string {
  return `sum${by ? ` by (${by})` : ""} (rate(${metric}[${R}]))`;
}

/** hits / (hits + misses) over the rate window; 0 (not NaN) while idle. */
function ratio(hits: string, misses: string): string {
  return `${rate(hits)}\n/ clamp_min(${rate(hits)} + ${rate(misses)}, 1e-9)`;
}

/** The title of the row; the panels after it up to the next row are the ones below. */
export const DATABASE_ROW = "Databases and broker";

/** The row and its panels, in dashboard order. */
export function databasePanels(): ReturnType<typeof row>[] {
  return [
    row(DATABASE_ROW),
    stat("Kafka under-replicated partitions", [
      prom("sum(kafka_server_replicamanager_underreplicatedpartitions)"),
    ], {
      w: 6,
      description: "Partitions whose in-sync replicas are fewer than their replicas (broker JMX).",
    }),
    stat("Kafka offline partitions", [
      prom("sum(kafka_controller_kafkacontroller_offlinepartitionscount)"),
    ], { w: 6, description: "Partitions without a leader: writes to them fail." }),
    stat("ClickHouse disk used", [
      prom(
        "1 - sum(ClickHouseAsyncMetrics_FilesystemMainPathAvailableBytes)\n" +
          "/ sum(ClickHouseAsyncMetrics_FilesystemMainPathTotalBytes)",
      ),
    ], { w: 6, unit: "percentunit" }),
    stat("PostgreSQL database size", [
      prom(`sum(pg_database_size_bytes{datname=~"eventflow.*"})`),
    ], { w: 6, unit: "bytes" }),
    timeseries("ClickHouse queries and inserted rows /s", [
      prom(rate("ClickHouseProfileEvents_Query"), "queries"),
      prom(rate("ClickHouseProfileEvents_InsertedRows"), "inserted rows"),
    ], { unit: "ops" }),
    timeseries("ClickHouse parts and merges", [
      prom("sum(ClickHouseAsyncMetrics_TotalPartsOfMergeTreeTables)", "active parts"),
      prom("sum(ClickHouseMetrics_Merge)", "merges running"),
    ]),
    timeseries("Connections", [
      prom("sum(pg_stat_activity_count)", "PostgreSQL"),
      prom("sum(redis_connected_clients)", "Redis"),
      prom("sum(ClickHouseMetrics_HTTPConnection)", "ClickHouse HTTP"),
    ]),
    timeseries("PostgreSQL transactions /s", [
      prom(rate("pg_stat_database_xact_commit"), "commits"),
      prom(rate("pg_stat_database_xact_rollback"), "rollbacks"),
    ], { unit: "ops" }),
    timeseries("Cache hit ratio (databases)", [
      prom(ratio("pg_stat_database_blks_hit", "pg_stat_database_blks_read"), "PostgreSQL buffers"),
      prom(ratio("redis_keyspace_hits_total", "redis_keyspace_misses_total"), "Redis keys"),
    ], { unit: "percentunit" }),
    timeseries("Redis commands /s and memory", [
      prom(rate("redis_commands_processed_total"), "commands /s"),
      prom("sum(redis_memory_used_bytes) / 1048576", "memory MiB"),
    ]),
    timeseries("Kafka messages and bytes in /s", [
      prom(rate("kafka_server_brokertopicmetrics_messagesinpersec_total"), "messages"),
      prom(rate("kafka_server_brokertopicmetrics_bytesinpersec_total"), "bytes"),
    ]),
    timeseries("Kafka ISR changes and log size", [
      prom(rate("kafka_server_replicamanager_isrshrinkspersec_total"), "ISR shrinks /s"),
      prom(rate("kafka_server_replicamanager_isrexpandspersec_total"), "ISR expands /s"),
      prom("sum(kafka_log_log_size_bytes) / 1048576", "log size MiB"),
    ]),
  ];
}

/** Titles of the row's panels (the row itself excluded). */
export function databasePanelTitles(): string[] {
  return databasePanels().filter((p) => p.type !== "row").map((p) => p.title);
}
