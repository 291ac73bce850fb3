/**
 * The GadgetStore traffic model: pure and deterministic for a seed. No I/O, no clock: callers
 * pass the time in.
 *
 * @module
 */
export * from "./types.ts";
export * from "./prng.ts";
export * from "./catalogue.ts";
export * from "./geo.ts";
export * from "./agents.ts";
export * from "./marketing.ts";
export * from "./users.ts";
export * from "./session.ts";
export * from "./shop.ts";
export * from "./wire.ts";
