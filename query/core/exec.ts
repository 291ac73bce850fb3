/** What the questions need to run: a way to execute built SQL, the clock, spend data. */
import type { BuiltQuery } from "./sql.ts";

/** Runs one query and returns its rows (JSONEachRow objects). */
export type Exec = <T = Record<string, unknown>>(query: BuiltQuery) => Promise<T[]>;

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
