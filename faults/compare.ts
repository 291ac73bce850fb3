/**
 * The audit's verdict, pure: the set ingest acknowledged against the rows a store holds. An
 * acknowledged key without a row is missing; a key with more than one row is duplicated; a row
 * for a key sent but never acknowledged is allowed (the client would have retried) and counted.
 */
import type { AnswerCounts, TableLedger } from "./ledger.ts";

/** The audit of one table. */
export interface TableAudit {
  table: string;
  acknowledged: number;
  /** Acknowledged keys with at least one row. */
  stored: number;
  missing: number;
  duplicated: number;
  /** Keys sent without a 2xx that have a row anyway. */
  unackedStored: number;
  /** Rows under the run's prefix for keys never sent (should be 0: something wrote garbage). */
  unknown: number;
  /** Up to 5 of each, for the failure message. */
  examples: { missing: string[]; duplicated: string[]; unknown: string[] };
}

/** Compares `ledger` with `rows` (row count per key, as the store reads them, e.g. FINAL). */
export function compareTable(
  table: string,
  ledger: TableLedger,
  rows: ReadonlyMap<string, number>,
): TableAudit {
  const missing: string[] = [];
  const duplicated: string[] = [];
  const unknown: string[] = [];
  let stored = 0;
  let unackedStored = 0;
  for (const key of ledger.acked) {
    if ((rows.get(key) ?? 0) > 0) stored++;
    else missing.push(key);
  }
  for (const [key, count] of rows) {
    if (count > 1) duplicated.push(key);
    if (!ledger.sent.has(key)) unknown.push(key);
    else if (!ledger.acked.has(key)) unackedStored++;
  }
  return {
    table,
    acknowledged: ledger.acked.size,
    stored,
    missing: missing.length,
    duplicated: duplicated.length,
    unackedStored,
    unknown: unknown.length,
    examples: {
      missing: missing.slice(0, 5),
      duplicated: duplicated.slice(0, 5),
      unknown: unknown.slice(0, 5),
    },
  };
}

/** One check a scenario makes beside the audit (e.g. "ingest answered 503 during the outage"). */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** One scenario's outcome: the row of the table in docs/reliability.md. */
export interface ScenarioResult {
  scenario: string;
  /** Events acknowledged with 2xx. */
  acknowledged: number;
  /** Acknowledged events stored in ClickHouse. */
  stored: number;
  /** Missing rows over every audited table. */
  missing: number;
  /** Duplicated rows over every audited table. */
  duplicated: number;
  /** Events stored in ClickHouse that ingest never acknowledged. */
  unackedStored: number;
  /** From the last acknowledgement until every acknowledged row was stored; null: never. */
  catchUpMs: number | null;
  tables: TableAudit[];
  checks: Check[];
  /** How ingest answered the load's requests, when there was a load. */
  answers: AnswerCounts | null;
  pass: boolean;
}

/** Folds the table audits and checks into the scenario's result; pass = nothing missing, duplicated or unexplained, every check ok. */
export function scenarioResult(
  scenario: string,
  tables: readonly TableAudit[],
  opts: { catchUpMs: number | null; checks?: readonly Check[]; answers?: AnswerCounts },
): ScenarioResult {
  const ch = tables.find((t) => t.table === "clickhouse");
  const sum = (f: (t: TableAudit) => number) => tables.reduce((s, t) => s + f(t), 0);
  const checks = [...(opts.checks ?? [])];
  const missing = sum((t) => t.missing);
  const duplicated = sum((t) => t.duplicated);
  const unknown = sum((t) => t.unknown);
  return {
    scenario,
    acknowledged: ch?.acknowledged ?? 0,
    stored: ch?.stored ?? 0,
    missing,
    duplicated,
    unackedStored: ch?.unackedStored ?? 0,
    catchUpMs: opts.catchUpMs,
    tables: [...tables],
    checks,
    answers: opts.answers ?? null,
    pass: (ch?.acknowledged ?? 0) > 0 && missing === 0 && duplicated === 0 && unknown === 0 &&
      checks.every((c) => c.ok),
  };
}

/** Why a result failed, for people: each failing table and check with examples; "" when it passed. */
export function failureReport(result: ScenarioResult): string {
  const lines: string[] = [];
  if (result.acknowledged === 0 && result.tables.length > 0) {
    lines.push("no event was acknowledged: the load never ran");
  }
  for (const t of result.tables) {
    if (t.missing + t.duplicated + t.unknown === 0) continue;
    lines.push(
      `${t.table}: ${t.missing} missing ${JSON.stringify(t.examples.missing)}, ` +
        `${t.duplicated} duplicated ${JSON.stringify(t.examples.duplicated)}, ` +
        `${t.unknown} never sent ${JSON.stringify(t.examples.unknown)}`,
    );
  }
  for (const c of result.checks) if (!c.ok) lines.push(`check failed: ${c.name}: ${c.detail}`);
  if (lines.length > 0 && result.answers !== null) {
    lines.push(`ingest answered: ${JSON.stringify(result.answers)}`);
  }
  return lines.length === 0 ? "" : `${result.scenario} failed:\n  ${lines.join("\n  ")}`;
}
