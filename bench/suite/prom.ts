/** Prometheus text exposition: parsing samples, and quantiles from histogram bucket deltas. */

/** One sample: metric name, labels and value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text format (comments skipped). */
export function parseProm(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, "$1");
    }
    out.push({ name: m[1]!, labels, value: m[3] === "+Inf" ? Infinity : Number(m[3]) });
  }
  return out;
}

/** Sum of the samples of `name` whose labels include `match`. */
export function sumOf(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Cumulative bucket counts `le → count` of histogram `name` (summed over other labels). */
export function buckets(
  samples: Sample[],
  name: string,
  match: Record<string, string> = {},
): Map<number, number> {
  const out = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket`) continue;
    if (!Object.entries(match).every(([k, v]) => s.labels[k] === v)) continue;
    const le = s.labels.le === "+Inf" ? Infinity : Number(s.labels.le);
    out.set(le, (out.get(le) ?? 0) + s.value);
  }
  return out;
}

/** Bucket counts observed between two scrapes. */
export function bucketDelta(
  before: Map<number, number>,
  after: Map<number, number>,
): Map<number, number> {
  const out = new Map<number, number>();
  for (const [le, n] of after) out.set(le, n - (before.get(le) ?? 0));
  return out;
}

/**
 * The q-quantile of cumulative buckets, interpolated linearly inside the bucket as Prometheus'
 * `histogram_quantile` does. Null when the histogram is empty; the highest finite bound when the
 * quantile falls in the +Inf bucket.
 */
export function histogramQuantile(q: number, cumulative: Map<number, number>): number | null {
  const bounds = [...cumulative.keys()].sort((a, b) => a - b);
  const total = cumulative.get(Infinity) ?? cumulative.get(bounds[bounds.length - 1]!) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const le of bounds) {
    const count = cumulative.get(le)!;
    if (count >= rank) {
      if (le === Infinity) return prevBound;
      const inBucket = count - prevCount;
      return inBucket <= 0 ? le : prevBound + ((le - prevBound) * (rank - prevCount)) / inBucket;
    }
    prevBound = le;
    prevCount = count;
  }
  return prevBound;
}
