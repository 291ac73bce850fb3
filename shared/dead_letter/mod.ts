/**
 * The dead-letter topic as operators see it: read, browse, filter and find the records every
 * stage wrote (`records.ts`), and replay the selected ones (`replay.ts`). The record contract
 * itself is in `shared/events/dead_letter.ts`, the sealing of payloads beside it.
 * @module
 */
export * from "./records.ts";
export * from "./replay.ts";
