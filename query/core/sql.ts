/**
 * Building blocks of the questions' SQL: bound parameters, filters, the deduplicated event set.
 *
 * Every value reaches ClickHouse as a query parameter (`{p0:String}`), never inside the SQL text.
 * `events` is a ReplacingMergeTree that merges duplicates lazily, so every question reads
 * `events FINAL`: an event delivered twice counts once even before the merge.
 */
import { aliasesOf, canonicalEvent } from "../../shared/events/vocabulary.ts";
import type { CommonParams } from "./params.ts";
import { FILTER_COLUMNS, FILTERS } from "./params.ts";
import { chTime, type Range } from "./time.ts";

/** A query ready for @clickhouse/client: SQL text and its bound parameters. */
export interface BuiltQuery {
  sql: string;
  params: Record<string, unknown>;
}

/** Collects bound parameters under generated names. */
export class Params {
  readonly values: Record<string, unknown> = {};
  #next = 0;

  /** Binds `value` as ClickHouse type `type`; returns the placeholder to put in the SQL. */
  bind(value: unknown, type: string): string {
    const name = `p${this.#next++}`;
    this.values[name] = value;
    return `{${name}:${type}}`;
  }

  /** Binds an instant as DateTime64(3, 'UTC'). */
  time(date: Date): string {
    return this.bind(chTime(date), "DateTime64(3, 'UTC')");
  }
}

/** Who did it: the known user, else the anonymous device. */
export const ACTOR = "if(user_id != '', user_id, anonymous_id)";

/** Every stored name an event name (or a canonical name) matches. */
export function namesFor(name: string): string[] {
  const canonical = canonicalEvent(name);
  return canonical === null ? [name] : [...aliasesOf(canonical)];
}

/** SQL condition: `event` is one of the names `names` expand to (see {@link namesFor}). */
export function eventIn(p: Params, names: readonly string[]): string {
  return `event IN ${p.bind([...new Set(names.flatMap(namesFor))], "Array(String)")}`;
}

/** Conditions of the request's filters, bot exclusion included. */
export function filterConditions(p: Params, params: CommonParams): string[] {
  const out: string[] = [];
  for (const name of Object.keys(FILTERS) as (keyof typeof FILTERS)[]) {
    const value = params[name];
    if (value === undefined) continue;
    const values = value.split(",").map((v) => v.trim());
    out.push(`${FILTER_COLUMNS[name]} IN ${p.bind(values, "Array(String)")}`);
  }
  if (params.include_bots !== "true") out.push("NOT is_bot");
  return out;
}

/** Condition: timestamp in [from, to). */
export function inRange(p: Params, range: Range): string {
  return `timestamp >= ${p.time(range.from)} AND timestamp < ${p.time(range.to)}`;
}

/**
 * Tables with the events' columns, read FINAL: `events`, or `revenue_events` (migration 0004),
 * which holds only the purchases and refunds with the columns the money questions read.
 */
export type EventTable = "events" | "revenue_events";

/**
 * The deduplicated events of `range` matching the filters, as a subquery; `columns` are the
 * columns the question needs (fewer columns read means a faster FINAL). `table` defaults to
 * `events`; `revenue_events` serves questions about purchases and refunds only.
 */
export function eventsSubquery(
  p: Params,
  opts: {
    range: Range;
    params: CommonParams;
    columns: string;
    extra?: string[];
    table?: EventTable;
  },
): string {
  const where = [
    inRange(p, opts.range),
    ...filterConditions(p, opts.params),
    ...(opts.extra ?? []),
  ];
  return `(SELECT ${opts.columns} FROM ${opts.table ?? "events"} FINAL WHERE ${
    where.join(" AND ")
  })`;
}

/** Bucket start of `timestamp` in `tz` for a series interval, as a DateTime in `tz`. */
export function bucket(p: Params, interval: string, tz: string): string {
  const zone = p.bind(tz, "String");
  switch (interval) {
    case "hour":
      return `toStartOfHour(timestamp, ${zone})`;
    case "week":
      return `toDateTime(toMonday(timestamp, ${zone}), ${zone})`;
    case "month":
      return `toDateTime(toStartOfMonth(timestamp, ${zone}), ${zone})`;
    default:
      return `toDateTime(toDate(timestamp, ${zone}), ${zone})`;
  }
}
