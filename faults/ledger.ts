/**
 * What the load sent and what ingest acknowledged, per audited table: the left-hand side of the
 * audit. Pure; the load generator records every answered request here.
 */
import type { ShopEvent } from "../bench/loadgen/model/mod.ts";
import { AUDITED_TABLES, type AuditedTable, expectedRows } from "./ids.ts";

/** Keys sent and keys acknowledged (2xx) for one table. */
export interface TableLedger {
  sent: Set<string>;
  acked: Set<string>;
}

/** Answers by class, for the scenario's own checks (e.g. "503s during the outage"). */
export interface AnswerCounts {
  /** Requests answered 2xx. */
  ok: number;
  /** Requests answered 503 (ingest could not write to Kafka). */
  unavailable: number;
  /** Requests answered with another status. */
  otherStatus: number;
  /** Requests with no answer (connection refused, reset, timeout). */
  noAnswer: number;
}

/** The ledger of one load run. */
export class Ledger {
  readonly tables: Record<AuditedTable, TableLedger>;
  readonly answers: AnswerCounts = { ok: 0, unavailable: 0, otherStatus: 0, noAnswer: 0 };
  /** Wall time (epoch ms) of the last 2xx, or null before any. */
  lastAckAt: number | null = null;
  /** Wall time (epoch ms) of the first answer, or null before any (the audit reads from it on). */
  firstAt: number | null = null;

  constructor() {
    this.tables = Object.fromEntries(
      AUDITED_TABLES.map((t) => [t, { sent: new Set<string>(), acked: new Set<string>() }]),
    ) as Record<AuditedTable, TableLedger>;
  }

  /** Records the events of one request and ingest's HTTP status (0: no answer) at `atMs`. */
  record(events: readonly ShopEvent[], status: number, atMs: number): void {
    const acked = status >= 200 && status < 300;
    this.firstAt ??= atMs;
    if (acked) {
      this.answers.ok++;
      this.lastAckAt = atMs;
    } else if (status === 503) this.answers.unavailable++;
    else if (status === 0) this.answers.noAnswer++;
    else this.answers.otherStatus++;
    for (const event of events) {
      const rows = expectedRows(event);
      for (const table of AUDITED_TABLES) {
        for (const key of rows[table]) {
          this.tables[table].sent.add(key);
          if (acked) this.tables[table].acked.add(key);
        }
      }
    }
  }

  /** Events acknowledged (ClickHouse keys are event ids). */
  get acknowledged(): number {
    return this.tables.clickhouse.acked.size;
  }
}
