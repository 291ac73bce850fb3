/**
 * The wire contracts between services: raw events, enriched events and dead-letter records.
 *
 * @module
 */
export * from "./raw.ts";
export * from "./enriched.ts";
export * from "./dead_letter.ts";
export * from "./dead_letter_seal.ts";
export * from "./parse.ts";
export * from "./vocabulary.ts";
