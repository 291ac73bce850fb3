/** The admin console's composition root: config, store clients, app, serve until a signal. */
import { loadConfig } from "./config.ts";
import { createApp } from "./app.tsx";
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { createPostgres } from "../shared/postgres/mod.ts";
import { createClickHouse } from "../shared/clickhouse/mod.ts";
import { drainingService } from "../shared/http/serve.ts";
import { createQueryClient } from "./adapters/query_client.ts";
import { kafkaDeadLetterPort } from "./adapters/dead_letters.ts";

const config = loadConfig(Deno.env.toObject());
const logger = createLogger("admin", { level: config.LOG_LEVEL });
const pg = createPostgres(config.DATABASE_URL, { max: 5 });
const ch = createClickHouse({
  url: config.CLICKHOUSE_URL,
  database: config.CLICKHOUSE_DATABASE,
  username: config.CLICKHOUSE_USER,
  password: config.CLICKHOUSE_PASSWORD,
  compressRequests: false,
  requestTimeoutMs: config.ADMIN_QUERY_TIMEOUT_MS,
});
const service = drainingService(config, logger);
const app = createApp({
  stores: { pg, ch, timeoutMs: config.ADMIN_QUERY_TIMEOUT_MS },
  registry: createRegistry("admin"),
  logger,
  pageSize: config.ADMIN_PAGE_SIZE,
  sessionPolicy: {
    idleMs: config.ADMIN_SESSION_IDLE_MINUTES * 60_000,
    maxAgeMs: config.ADMIN_SESSION_MAX_HOURS * 3_600_000,
  },
  secureCookies: config.ADMIN_SECURE_COOKIES === "auto"
    ? undefined
    : config.ADMIN_SECURE_COOKIES === "true",
  trustProxy: config.ADMIN_TRUST_PROXY,
  prometheusUrl: config.PROMETHEUS_URL,
  grafanaUrl: config.GRAFANA_URL,
  defaultLocale: config.ADMIN_LOCALE,
  defaultTimeZone: config.ADMIN_TIMEZONE,
  isDraining: service.isDraining,
  deadLetters: kafkaDeadLetterPort(
    { brokers: config.KAFKA_BROKERS, clientId: "admin" },
    config.TOPIC_DEAD_LETTER,
  ),
  query: createQueryClient({
    url: config.QUERY_URL,
    token: config.QUERY_TOKEN,
    timeoutMs: config.ADMIN_QUERY_TIMEOUT_MS,
  }),
});
service.serve(app.fetch, async () => {
  await Promise.allSettled([pg.end({ timeout: 5 }), ch.close()]);
});
