/**
 * Funnel: ordered steps within a conversion window, per-step users and conversion, the median
 * time between consecutive steps, and the same for a comparison period.
 *
 * Semantics (also in docs/query.md): an actor enters at their first step-1 event in the range;
 * each next step is the actor's first event of that step after the previous step and within
 * `window` of the entry. Only events inside the range count. The chain is computed per actor in
 * ClickHouse with arrayFold over the actor's events sorted by time.
 */
import { rangeJson } from "./active_users.ts";
import type { QuestionContext } from "./exec.ts";
import { type ParamsOf, parseSteps, type Step } from "./params.ts";
import { ACTOR, type BuiltQuery, eventIn, eventsSubquery, Params } from "./sql.ts";
import { change, compareRange, durationMs, type Range, resolveRange, round } from "./time.ts";

/** The default funnel: product view (or click) → add to cart → purchase. */
export const DEFAULT_STEPS = "product_view|product_click,add_to_cart,purchase";

function stepCondition(p: Params, step: Step): string {
  const names = eventIn(p, step.event.split("|").map((n) => n.trim()));
  if (step.property === undefined) return names;
  const path = step.property.path.map((key) => p.bind(key, "String")).join(", ");
  const value = p.bind(step.property.value, "String");
  // Strings compare by their value, numbers and booleans by their JSON text.
  return `(${names} AND (JSONExtractString(properties, ${path}) = ${value} OR ` +
    `JSONExtractRaw(properties, ${path}) = ${value}))`;
}

/** Builds the funnel query of `range`. */
export function funnelQuery(steps: Step[], params: ParamsOf<"funnel">, range: Range): BuiltQuery {
  const p = new Params();
  const bits = steps.map((step, i) => `if(${stepCondition(p, step)}, ${2 ** i}, 0)`).join(" + ");
  const n = steps.length;
  const windowMs = p.bind(durationMs(params.window), "Int64");
  // Only the steps' events: `event` is in the sorting key, so the primary index skips the rest
  // before FINAL, and a duplicate has its original's name, so FINAL still sees both.
  const names = steps.flatMap((step) => step.event.split("|").map((n) => n.trim()));
  const base = eventsSubquery(p, {
    range,
    params,
    columns:
      `${ACTOR} AS actor, toUnixTimestamp64Milli(timestamp) AS ms, toUInt16(${bits}) AS bits`,
    extra: [eventIn(p, names)],
  });
  const columns: string[] = [];
  for (let k = 1; k <= n; k++) {
    columns.push(`countIf(length(chain) >= ${k}) AS users_${k}`);
    if (k > 1) {
      columns.push(
        `quantileExactInclusiveIf(0.5)(toFloat64(chain[${k}] - chain[${
          k - 1
        }]), length(chain) >= ${k}) AS median_ms_${k}`,
      );
    }
  }
  const sql = `SELECT ${columns.join(",\n  ")}
FROM (
  SELECT actor, arrayFold((acc, e) -> if(
      length(acc) < ${n} AND bitTest(e.2, length(acc))
        AND (length(acc) = 0 OR e.1 - acc[1] <= ${windowMs}),
      arrayPushBack(acc, e.1), acc),
    arraySort(groupArray((ms, bits))), CAST([], 'Array(Int64)')) AS chain
  FROM ${base}
  WHERE bits > 0
  GROUP BY actor
)`;
  return { sql, params: p.values };
}

/** One step of a funnel answer. */
export interface FunnelStep {
  step: string;
  users: number;
  /** Share of step-1 actors who reached this step. */
  conversion: number;
  /** Share of the previous step's actors who reached this step (1 for the first). */
  step_conversion: number;
  /** Median seconds from the previous step to this one; null for the first or when nobody. */
  median_seconds_from_previous: number | null;
}

function shape(steps: Step[], names: string[], row: Record<string, unknown>): FunnelStep[] {
  const users = steps.map((_, i) => Number(row[`users_${i + 1}`] ?? 0));
  return steps.map((_, i) => {
    const median = i === 0 ? null : row[`median_ms_${i + 1}`];
    const ms = median === null || median === undefined || Number.isNaN(Number(median))
      ? null
      : Number(median);
    return {
      step: names[i]!,
      users: users[i]!,
      conversion: users[0] === 0 ? 0 : round(users[i]! / users[0]!),
      step_conversion: i === 0 ? 1 : users[i - 1] === 0 ? 0 : round(users[i]! / users[i - 1]!),
      median_seconds_from_previous: ms === null || users[i] === 0 ? null : round(ms / 1000, 3),
    };
  });
}

/** Runs the funnel question; throws an Error with `field` "steps" for a bad step list. */
export async function funnel(params: ParamsOf<"funnel">, ctx: QuestionContext) {
  const names = (params.steps ?? DEFAULT_STEPS).split(",").map((s) => s.trim());
  const steps = parseSteps(params.steps ?? DEFAULT_STEPS);
  const range = resolveRange(params, ctx.now);
  const previousRange = compareRange(range, params.compare);
  const [row] = await ctx.exec(funnelQuery(steps, params, range));
  const current = shape(steps, names, row ?? {});
  let previous: FunnelStep[] | null = null;
  if (previousRange !== null) {
    const [prev] = await ctx.exec(funnelQuery(steps, params, previousRange));
    previous = shape(steps, names, prev ?? {});
  }
  const overall = (s: FunnelStep[]) => s.at(-1)!.conversion;
  return {
    range: rangeJson(range, params.tz),
    previous_range: previousRange && rangeJson(previousRange, params.tz),
    window: params.window,
    steps: current,
    conversion: overall(current),
    previous: previous && { steps: previous, conversion: overall(previous) },
    change: previous && {
      conversion: change(overall(current), overall(previous)),
      conversion_points: round(overall(current) - overall(previous)),
    },
  };
}
