import assert from "node:assert/strict";
import { writeIsolatingRejects } from "./bisect.ts";

class ContentError extends Error {}

function store(bad: Set<number>, outage = false) {
  const written: number[] = [];
  const calls: number[][] = [];
  const write = (items: readonly number[]) => {
    calls.push([...items]);
    if (outage) return Promise.reject(new Error("connect ECONNREFUSED"));
    const rejected = items.find((i) => bad.has(i));
    if (rejected !== undefined) return Promise.reject(new ContentError(`bad value ${rejected}`));
    written.push(...items);
    return Promise.resolve();
  };
  return { write, written, calls };
}

const opts = {
  isContentError: (e: unknown) => e instanceof ContentError,
  describe: (e: unknown) => (e as Error).message,
};

Deno.test("writeIsolatingRejects() writes every good row and returns each bad one", async () => {
  const s = store(new Set([3, 6]));
  const rejected = await writeIsolatingRejects([1, 2, 3, 4, 5, 6, 7, 8], s.write, opts);
  assert.deepEqual(rejected, [{ item: 3, error: "bad value 3" }, {
    item: 6,
    error: "bad value 6",
  }]);
  assert.deepEqual(s.written.sort(), [1, 2, 4, 5, 7, 8]);
});

Deno.test("writeIsolatingRejects() writes a clean batch in one call", async () => {
  const s = store(new Set());
  assert.deepEqual(await writeIsolatingRejects([1, 2, 3], s.write, opts), []);
  assert.equal(s.calls.length, 1);
});

Deno.test("writeIsolatingRejects() rethrows outage errors without splitting", async () => {
  const s = store(new Set(), true);
  await assert.rejects(writeIsolatingRejects([1, 2, 3], s.write, opts), /ECONNREFUSED/);
  assert.equal(s.calls.length, 1);
});
