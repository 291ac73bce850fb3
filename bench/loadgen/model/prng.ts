/** A small seeded PRNG (mulberry32) and the sampling helpers the shop model uses. */

/** A deterministic source of randomness; every sampling helper draws from `next()`. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
}

/** Creates a mulberry32 generator: 32-bit state, fast, and identical on every platform. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Derives an independent child generator, so adding draws in one area does not shift others. */
export function fork(rng: Rng, salt: number): Rng {
  return mulberry32(Math.floor(rng.next() * 4294967296) ^ Math.imul(salt, 0x9e3779b1));
}

/** An integer in [min, max] inclusive. */
export function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng.next() * (max - min + 1));
}

/** True with probability `p`. */
export function chance(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/** One element of a non-empty array, uniformly. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error("Cannot pick from an empty list");
  return items[Math.floor(rng.next() * items.length)] as T;
}

/** One element of a non-empty list of `[item, weight]` pairs, proportionally to weight. */
export function weighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  if (items.length === 0 || total <= 0) throw new Error("Cannot pick from an empty weighted list");
  let r = rng.next() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}

/** An exponentially distributed value with the given mean (think times between events). */
export function exponential(rng: Rng, mean: number): number {
  return -Math.log(1 - rng.next()) * mean;
}

/** A random version-4-shaped UUID drawn from the generator (deterministic for a seed). */
export function uuid(rng: Rng): string {
  const hex = (n: number) => Math.floor(rng.next() * 16 ** n).toString(16).padStart(n, "0");
  const variant = (8 + Math.floor(rng.next() * 4)).toString(16);
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(8)}${hex(4)}`;
}

/** A random lowercase alphanumeric token of `length` characters (click ids, order numbers). */
export function token(rng: Rng, length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(rng.next() * alphabet.length)];
  return out;
}
