/** The two stores as lanes see them: how an event becomes a write, and how a write happens. */
import type { Redis } from "../shared/redis/mod.ts";
import type { Sql } from "../shared/postgres/mod.ts";
import type { Logger } from "../shared/log.ts";
import { errorMessage } from "../shared/errors.ts";
import { ok } from "../shared/pipeline.ts";
import { type EventRow, toEventRow } from "./core/clickhouse_row.ts";
import { dedupToken } from "./core/dedup_token.ts";
import { isCritical, planEvent } from "./core/postgres_plan.ts";
import { mergePlans } from "./core/postgres_merge.ts";
import { batchOrderConflicts, ORDER_ID_CONFLICT } from "./core/order_conflicts.ts";
import { RowsRejectedError } from "./core/rejections.ts";
import { planRowCount, type WritePlan } from "./core/postgres_rows.ts";
import { isClickHouseContentError, isPostgresContentError } from "./core/store_errors.ts";
import type { ClickHouseWriter } from "./adapters/clickhouse_writer.ts";
import { writePlan } from "./adapters/postgres_writer.ts";
import { invalidateUsers } from "./adapters/user_cache.ts";
import type { LaneItem, Store } from "./lane.ts";
import type { SinkMetrics } from "./metrics.ts";

/** Options of {@link clickHouseStore}. */
export interface ClickHouseStoreOptions {
  /** Called after each insert ClickHouse acknowledged, before the lane commits (fault tests). */
  afterInsert?: () => void;
}

/** Every event, one row each, into ClickHouse `events`. */
export function clickHouseStore(
  writer: ClickHouseWriter,
  opts: ClickHouseStoreOptions = {},
): Store<EventRow> {
  return {
    name: "clickhouse",
    prepare: (event, message) => ok(toEventRow(event, message)),
    async write(items: readonly LaneItem<EventRow>[]) {
      const token = dedupToken(
        items.map((i) => i.message),
        items.map((i) => i.event.event_id),
      );
      await writer.insert(items.map((i) => i.value), token);
      opts.afterInsert?.();
      return items.length;
    },
    isContentError: isClickHouseContentError,
  };
}

/** Options for {@link postgresStore}. */
export interface PostgresStoreOptions {
  /** Event names written to PostgreSQL (identify and alias calls always are). */
  criticalEvents: readonly string[];
  /** Enrich's cache to invalidate after user changes; none when omitted. */
  redis?: Redis;
  metrics: SinkMetrics;
  logger: Logger;
}

/** Business-critical events, normalized, into PostgreSQL. */
export function postgresStore(sql: Sql, opts: PostgresStoreOptions): Store<WritePlan> {
  const critical = new Set(opts.criticalEvents);
  return {
    name: "postgres",
    prepare: (event) => (isCritical(event, critical) ? planEvent(event) : null),
    async write(items: readonly LaneItem<WritePlan>[]) {
      const plans = items.map((i) => i.value);
      // Conflicts within the batch are known before writing; those with stored orders are
      // found by writePlan inside its transaction. Either way nothing is committed and the lane
      // dead-letters the named events, then writes the rest.
      const conflicts = batchOrderConflicts(plans);
      if (conflicts.size > 0) throw new RowsRejectedError(ORDER_ID_CONFLICT, conflicts);
      const plan = mergePlans(plans);
      await writePlan(sql, plan);
      if (opts.redis !== undefined) await invalidate(opts.redis, plan, opts);
      return planRowCount(plan);
    },
    isContentError: isPostgresContentError,
  };
}

async function invalidate(redis: Redis, plan: WritePlan, opts: PostgresStoreOptions) {
  const userIds = plan.users.filter((u) => u.changed).map((u) => u.user_id);
  const anonymousIds = plan.identities.map((i) => i.anonymous_id);
  if (userIds.length === 0 && anonymousIds.length === 0) return;
  try {
    await invalidateUsers(redis, { userIds, anonymousIds });
    opts.metrics.cacheInvalidations.inc({ result: "ok" });
  } catch (error) {
    // The rows are committed; a stale cache entry only lives until its TTL.
    opts.metrics.cacheInvalidations.inc({ result: "error" });
    opts.logger.warn("Cannot invalidate enrich's user cache in Redis", {
      users: userIds.length,
      error: errorMessage(error),
    });
  }
}
