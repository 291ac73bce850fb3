/** Pure verdicts on sampled series (memory per process, consumer lag) for the outage and soak scenarios. */

/** Peak of `during` against the level before the fault: bounded when within `factor` × before + `slack`. */
export function bounded(
  before: number,
  during: readonly number[],
  opts: { factor?: number; slack?: number } = {},
): { ok: boolean; peak: number; limit: number } {
  const peak = Math.max(before, ...during);
  const limit = before * (opts.factor ?? 2) + (opts.slack ?? 0);
  return { ok: peak <= limit, peak, limit };
}

/**
 * Flat: the mean of the last `window` samples is within `factor` × the mean of the first
 * `window` samples after warm-up, plus `slack`. A leak grows the tail; a sawtooth GC does not.
 */
export function flat(
  samples: readonly number[],
  opts: { window: number; factor?: number; slack?: number },
): { ok: boolean; head: number; tail: number } {
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(xs.length, 1);
  const head = mean(samples.slice(0, opts.window));
  const tail = mean(samples.slice(-opts.window));
  return { ok: tail <= head * (opts.factor ?? 1.25) + (opts.slack ?? 0), head, tail };
}
