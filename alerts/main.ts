/**
 * alerts: reads enriched_events, matches alert rules, sends webhooks and Telegram messages.
 * Composition root: configuration, rules, destinations and handler; shared/kafka/service.ts runs it.
 */
import { deadLetterKeyring } from "../shared/events/mod.ts";
import { consumerGroupOf, runConsumerService } from "../shared/kafka/mod.ts";
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { createRedis } from "../shared/redis/mod.ts";
import { createPostgres } from "../shared/postgres/mod.ts";
import { errorMessage } from "../shared/errors.ts";
import { throttle } from "../shared/time.ts";
import { loadConfig } from "./config.ts";
import { parseRules, unknownDestinations } from "./core/rules.ts";
import { createDestinations } from "./adapters/destination.ts";
import { createLedger, pruneDeliveries } from "./adapters/ledger.ts";
import { createAlertHandler } from "./handler.ts";
import { createAlertsMetrics } from "./metrics.ts";
import { alertmanagerRoutes } from "./routes/alertmanager.ts";

/** How often delivery records past their retention are deleted. */
const PRUNE_INTERVAL_MS = 3_600_000;

const config = loadConfig(Deno.env.toObject());
const logger = createLogger("alerts", { level: config.LOG_LEVEL });
const rules = parseRules(await Deno.readTextFile(config.ALERT_RULES_FILE), config.ALERT_RULES_FILE);
const deadLetterKeys = await deadLetterKeyring(config);
const registry = createRegistry("alerts");
const metrics = createAlertsMetrics(registry);

const telegramChats = {
  ...(config.TELEGRAM_CHAT_ID ? { default: config.TELEGRAM_CHAT_ID } : {}),
  ...config.TELEGRAM_CHATS,
};
// Fired on shutdown: retry waits (up to 5 × 5 s + 4 × 30 s per alert) would outlast the
// orchestrator's grace period (compose: 30 s) and get the process killed mid-batch.
const shutdown = new AbortController();
const destinations = createDestinations({
  webhooks: config.ALERT_WEBHOOKS,
  telegram: config.TELEGRAM_BOT_TOKEN
    ? { apiUrl: config.TELEGRAM_API_URL, token: config.TELEGRAM_BOT_TOKEN, chats: telegramChats }
    : undefined,
}, {
  delivery: {
    attempts: config.DELIVERY_ATTEMPTS,
    timeoutMs: config.DELIVERY_TIMEOUT_MS,
    baseDelayMs: config.DELIVERY_BASE_DELAY_MS,
    maxDelayMs: config.DELIVERY_MAX_DELAY_MS,
    signal: shutdown.signal,
  },
  onRetry: (destination, attempt, delayMs, failure) => {
    metrics.retries.inc({ destination });
    logger.info("Delivery failed, retrying", { destination, attempt, delay_ms: delayMs, failure });
  },
});
// A rule naming an unconfigured destination is a deployment choice (no Telegram bot yet), not a
// crash: say so once, loudly, and count each skipped alert as outcome "unconfigured".
const missing = unknownDestinations(rules, new Set(destinations.keys()));
if (missing.length > 0) {
  logger.warn("Rules name destinations that are not configured; those alerts are skipped", {
    missing,
  });
}

// Operations alerts from Alertmanager: to the named destinations, else to every one.
const opsDestinations = config.ALERTMANAGER_DESTINATIONS.length === 0
  ? [...destinations.values()]
  : config.ALERTMANAGER_DESTINATIONS.map((id) => {
    const destination = destinations.get(id);
    if (destination === undefined) {
      logger.error("ALERTMANAGER_DESTINATIONS names a destination that is not configured", { id });
      Deno.exit(1);
    }
    return destination;
  });
const routes = config.ALERTMANAGER_TOKEN === undefined ? undefined : alertmanagerRoutes({
  token: config.ALERTMANAGER_TOKEN,
  destinations: opsDestinations,
  delivered: metrics.delivered,
});

const redis = createRedis(config.REDIS_URL);
redis.on("error", () => {}); // counted by eventflow_alerts_ledger_errors_total, not once per retry
const sql = createPostgres(config.DATABASE_URL, { max: 4 });
const ledgerWarning = throttle(10_000);
const ledger = createLedger({ sql, redis }, {
  prefix: config.REDIS_KEY_PREFIX,
  timeoutMs: config.LEDGER_TIMEOUT_MS,
  onError: (error) => {
    metrics.ledgerErrors.inc();
    if (!ledgerWarning()) return;
    logger.warn("Ledger unavailable: alerts are sent without the duplicate check", {
      error: errorMessage(error),
    });
  },
});
// Delivery records are kept for IDEMPOTENCY_TTL_SECONDS (at least the dead-letter retention).
const prune = async () => {
  try {
    const olderThan = new Date(Date.now() - config.IDEMPOTENCY_TTL_SECONDS * 1000);
    const deleted = await pruneDeliveries(sql, olderThan);
    if (deleted > 0) logger.info("Pruned old alert delivery records", { deleted });
  } catch (error) {
    logger.warn("Cannot prune alert delivery records", { error: errorMessage(error) });
  }
};
void prune();
const pruning = setInterval(prune, PRUNE_INTERVAL_MS);

await runConsumerService({
  name: "alerts",
  env: config,
  logger,
  registry,
  lagGauge: metrics.consumerLag,
  groups: [consumerGroupOf(config, config.TOPIC_ENRICHED)],
  wire: ({ producer }) => ({
    handlers: [createAlertHandler({
      rules,
      destinations,
      ledger,
      producer,
      deadLetterTopic: config.TOPIC_DEAD_LETTER,
      deadLetterKeys,
      metrics,
      logger,
      concurrency: config.DELIVERY_CONCURRENCY,
    })],
    // Only Kafka gates readiness: without PostgreSQL or Redis alerts still flow (at least once,
    // maybe twice).
    // Aborting the deliveries once the consumer is closing makes the handler reject and the batch
    // stay uncommitted: the next owner re-sends only what the ledger does not list as delivered.
    abortInFlight: { afterMs: 0, abort: () => shutdown.abort() },
    close: async () => {
      clearInterval(pruning);
      redis.disconnect();
      await sql.end({ timeout: 5 });
    },
    routes,
    describe: {
      rules: rules.map((r) => r.id),
      destinations: [...destinations.keys()],
      alertmanager_receiver: routes !== undefined,
    },
  }),
});
