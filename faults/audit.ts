/**
 * The audit, reused by every scenario: after the load, read what the stores hold under the run's
 * prefix (ClickHouse `events` FINAL by `event_id`; PostgreSQL orders, order items and signups),
 * wait until every acknowledged row has arrived or the catch-up budget runs out, then compare
 * with the ledger (compare.ts).
 */
import type { ClickHouseClient } from "../shared/clickhouse/mod.ts";
import type { Sql } from "../shared/postgres/mod.ts";
import { sleep } from "../shared/time.ts";
import { type Check, compareTable, type ScenarioResult, scenarioResult } from "./compare.ts";
import { AUDITED_TABLES, type AuditedTable } from "./ids.ts";
import type { Ledger } from "./ledger.ts";

/** The stores the audit reads. */
export interface AuditStores {
  sql: Sql;
  ch: ClickHouseClient;
}

/**
 * Rows per key in each audited table, for ids starting with `prefix` and (ClickHouse) events
 * stamped from `sinceMs` on: the load stamps events with the send time, and the time bound lets
 * `FINAL` work on today's parts only (the table is ordered by day first).
 */
export async function storedRows(
  stores: AuditStores,
  prefix: string,
  sinceMs: number,
): Promise<Record<AuditedTable, Map<string, number>>> {
  const result = await stores.ch.query({
    query: `SELECT event_id AS k, count() AS n FROM events FINAL
      WHERE timestamp >= fromUnixTimestamp64Milli({since:Int64}) AND startsWith(event_id, {p:String})
      GROUP BY event_id`,
    query_params: { p: prefix, since: sinceMs },
    format: "JSONEachRow",
  });
  const chRows = await result.json<{ k: string; n: string | number }>();
  const { sql } = stores;
  const n = prefix.length;
  const [orders, items, signups] = await Promise.all([
    sql<{ k: string; n: number }[]>`SELECT event_id AS k, count(*)::int AS n FROM orders
      WHERE left(event_id, ${n}) = ${prefix} GROUP BY 1`,
    sql<{ k: string; n: number }[]>`SELECT order_id || '#' || line_no AS k, count(*)::int AS n
      FROM order_items WHERE left(order_id, ${n}) = ${prefix} GROUP BY 1`,
    sql<{ k: string; n: number }[]>`SELECT event_id AS k, count(*)::int AS n FROM signups
      WHERE left(event_id, ${n}) = ${prefix} GROUP BY 1`,
  ]);
  const toMap = (rows: readonly { k: string; n: string | number }[]) =>
    new Map(rows.map((r) => [r.k, Number(r.n)]));
  return {
    clickhouse: toMap(chRows),
    orders: toMap(orders),
    order_items: toMap(items),
    signups: toMap(signups),
  };
}

/** Options of {@link audit}. */
export interface AuditOptions {
  ledger: Ledger;
  stores: AuditStores;
  /** The load's id prefix. */
  prefix: string;
  /** Longest wait for the stores to catch up after the last acknowledgement (default 90 s). */
  catchUpMs?: number;
  /** Wait after catching up before the final read, so late duplicates show (default 2 s). */
  settleMs?: number;
  /** The scenario's own checks, added to the verdict. */
  checks?: readonly Check[];
  /** Checks that can only be made once the stores caught up (e.g. reading dead letters). */
  afterCatchUp?: () => Promise<Check[]>;
}

/** Waits for the stores to hold every acknowledged row, then returns the scenario's verdict. */
export async function audit(scenario: string, opts: AuditOptions): Promise<ScenarioResult> {
  const { ledger } = opts;
  const from = ledger.lastAckAt ?? Date.now();
  // A minute of slack for ingest's clock-skew correction.
  const since = (ledger.firstAt ?? Date.now()) - 60_000;
  const deadline = Date.now() + (opts.catchUpMs ?? 90_000);
  let catchUpMs: number | null = null;
  for (;;) {
    // A store busy with other work may time a read out: that is not the verdict, try again.
    const rows = await storedRows(opts.stores, opts.prefix, since).catch(() => null);
    const caughtUp = rows !== null &&
      AUDITED_TABLES.every((t) =>
        [...ledger.tables[t].acked].every((key) => (rows[t].get(key) ?? 0) > 0)
      );
    if (caughtUp) {
      catchUpMs = Math.max(0, Date.now() - from);
      break;
    }
    if (Date.now() > deadline) break;
    // Every 2 s: the ClickHouse stand-in serves one query at a time to every suite on the machine.
    await sleep(2000);
  }
  await sleep(opts.settleMs ?? 2000);
  const late = opts.afterCatchUp ? await opts.afterCatchUp() : [];
  const rows = await storedRows(opts.stores, opts.prefix, since);
  const tables = AUDITED_TABLES.map((t) => compareTable(t, ledger.tables[t], rows[t]));
  return scenarioResult(scenario, tables, {
    catchUpMs,
    checks: [...(opts.checks ?? []), ...late],
    answers: { ...ledger.answers },
  });
}
