/**
 * The dead-letter topic as operators see it: read, filter, find and replay the records every
 * stage wrote (`records.ts`). The record contract itself is in `shared/events/dead_letter.ts`.
 * @module
 */
export * from "./records.ts";
