/**
 * The two stores the console reads, and the guard every query runs through: a store that is
 * down or too slow becomes a {@link StoreUnavailableError} naming it (a 503 page), while a
 * query the store rejects (a bug) stays an ordinary error (a 500 page).
 */
import type { Sql } from "../../shared/postgres/mod.ts";
import type { ClickHouseClient } from "../../shared/clickhouse/mod.ts";
import { ClickHouseError } from "@clickhouse/client";
import { InputError, NotFoundError, StoreUnavailableError } from "../core/errors.ts";
import { withTimeout } from "../../shared/time.ts";

/** What the pages read from, built by `main.ts`. */
export interface Stores {
  pg: Sql;
  ch: ClickHouseClient;
  /** Store queries slower than this count as the store being down (default 10000). */
  timeoutMs?: number;
}

/** The base currency revenue is reported in (the `orders.base_currency` default). */
export const BASE_CURRENCY = "USD";

// SQLSTATE classes meaning "the server cannot serve you now", not "your query is wrong":
// 08 connection exception, 53 insufficient resources, 57P operator intervention (shutdown).
const PG_UNAVAILABLE = /^(08|53|57P)/;

function isPostgresServerError(error: unknown): error is { code: string } {
  return typeof error === "object" && error !== null && "severity" in error && "code" in error;
}

/** Runs a PostgreSQL query; connection failures and timeouts become a 503 naming PostgreSQL. */
export async function withPostgres<T>(stores: Stores, query: (sql: Sql) => Promise<T>): Promise<T> {
  try {
    return await withTimeout(query(stores.pg), stores.timeoutMs ?? 10_000, {
      what: "PostgreSQL query",
    });
  } catch (error) {
    // Validation inside a store operation (account forms, data forms) is the user's, not the store's.
    if (error instanceof InputError || error instanceof NotFoundError) throw error;
    if (isPostgresServerError(error) && !PG_UNAVAILABLE.test(error.code)) throw error;
    throw new StoreUnavailableError("PostgreSQL", { cause: error });
  }
}

/** Runs a ClickHouse query; network failures and timeouts become a 503 naming ClickHouse. */
export async function withClickHouse<T>(
  stores: Stores,
  query: (ch: ClickHouseClient) => Promise<T>,
): Promise<T> {
  try {
    return await withTimeout(query(stores.ch), stores.timeoutMs ?? 10_000, {
      what: "ClickHouse query",
    });
  } catch (error) {
    // The client raises ClickHouseError (with a numeric code) for rejected SQL; anything else
    // is the transport: refused, reset, timed out.
    if (error instanceof ClickHouseError) throw error;
    throw new StoreUnavailableError("ClickHouse", { cause: error });
  }
}

/** Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern. */
export function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, "\\$&")}%`;
}

/** Escapes `%`, `_` and `\\` so user text matches literally anywhere inside a LIKE pattern. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, "\\$&")}%`;
}
