/** Latency statistics: a log-bucketed histogram (1% precision, bounded memory) and percentile math. */

const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** Smallest distinguishable latency: 1 µs, in milliseconds. */
const MIN_MS = 0.001;

/** A latency histogram in milliseconds; percentiles are exact to within 1%. */
export class LatencyHistogram {
  #counts = new Map<number, number>();
  #count = 0;
  #max = 0;
  #sum = 0;

  /** Records one latency in milliseconds (negative values count as 0). */
  record(ms: number): void {
    const v = Math.max(ms, 0);
    const bucket = v <= MIN_MS ? 0 : Math.ceil(Math.log(v / MIN_MS) / LOG_GROWTH);
    this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + 1);
    this.#count++;
    this.#sum += v;
    if (v > this.#max) this.#max = v;
  }

  /** Number of recorded values. */
  get count(): number {
    return this.#count;
  }

  /** Largest recorded value, exactly. */
  get max(): number {
    return this.#max;
  }

  /** Arithmetic mean, or 0 when empty. */
  get mean(): number {
    return this.#count === 0 ? 0 : this.#sum / this.#count;
  }

  /** The value at quantile `q` (0–1): the bucket's upper bound, capped at the exact max. */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    const buckets = [...this.#counts.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const b of buckets) {
      seen += this.#counts.get(b)!;
      if (seen >= rank) return Math.min(b === 0 ? MIN_MS : MIN_MS * GROWTH ** b, this.#max);
    }
    return this.#max;
  }

  /** Adds another histogram's values into this one. */
  merge(other: LatencyHistogram): void {
    for (const [b, c] of other.#counts) this.#counts.set(b, (this.#counts.get(b) ?? 0) + c);
    this.#count += other.#count;
    this.#sum += other.#sum;
    if (other.#max > this.#max) this.#max = other.#max;
  }
}

/** Nearest-rank percentile of unsorted values (q in 0–1); 0 for an empty list. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}
