/** The throwaway write key both ingest benchmarks send with. */
import type { Sql } from "../../shared/postgres/mod.ts";
import { createSourceStore } from "../../ingest/adapters/sources.ts";
import { hashWriteKey } from "../../ingest/core/write_key.ts";

/** A source created for one run; `await using` deletes its row. */
export interface BenchSource extends AsyncDisposable {
  sourceId: string;
  /** The `Authorization` header value carrying its write key. */
  authorization: string;
}

/** Creates source `<idPrefix><random>` with a fresh write key in the test database. */
export async function benchSource(sql: Sql, idPrefix: string): Promise<BenchSource> {
  const sourceId = `${idPrefix}${crypto.randomUUID().slice(0, 8)}`;
  const key = `bench_${crypto.randomUUID()}`;
  await createSourceStore(sql).create({
    sourceId,
    name: "bench",
    platform: "web",
    hash: await hashWriteKey(key),
  });
  return {
    sourceId,
    authorization: `Basic ${btoa(`${key}:`)}`,
    async [Symbol.asyncDispose]() {
      await sql`DELETE FROM sources WHERE source_id = ${sourceId}`;
    },
  };
}
