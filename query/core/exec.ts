/** What the questions need to run: a way to execute built SQL, the clock, spend data. */
import type { BuiltQuery } from "./sql.ts";

/** Runs one query and returns its rows (JSONEachRow objects). */
export type Exec = <T = Record<string, unknown>>(query: BuiltQuery) => Promise<T[]>;

/** Time ClickHouse spent executing an answer's queries (its own measure, queueing excluded). */
export interface EngineTiming {
  /** Queries run. */
  queries: number;
  /** Sum of their `elapsed_ns` from `X-ClickHouse-Summary`, in ms. */
  ms: number;
}

/** Spend per campaign, summed over local days [fromDay, toDay] (YYYY-MM-DD). */
export type SpendLookup = (
  range: { fromDay: string; toDay: string },
) => Promise<Map<string, number>>;

/** Dependencies of a question's run. */
export interface QuestionContext {
  exec: Exec;
  /** Epoch ms of "now" for relative ranges. */
  now: number;
  baseCurrency: string;
  spend: SpendLookup;
}
