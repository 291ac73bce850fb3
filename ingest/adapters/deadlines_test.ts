import assert from "node:assert/strict";
import { createDeadlines } from "./deadlines.ts";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

Deno.test("createDeadlines() passes through values and errors settled in time", async () => {
  const deadlines = createDeadlines(10_000);
  const ok = deferred<number>();
  const bad = deferred<number>();
  const a = deadlines.race(ok.promise, () => new Error("timeout"));
  const b = deadlines.race(bad.promise, () => new Error("timeout"));
  assert.equal(deadlines.pending, 2);
  ok.resolve(7);
  bad.reject(new Error("broker said no"));
  assert.equal(await a, 7);
  await assert.rejects(b, { message: "broker said no" });
  // Nothing pending: no timer left behind (the test sanitizer would flag a leaked one).
  assert.equal(deadlines.pending, 0);
});

Deno.test("createDeadlines() rejects every expired wait with its own error, oldest first, and keeps the rest", async () => {
  let clock = 0;
  const deadlines = createDeadlines(20, { now: () => clock });
  const order: string[] = [];
  const first = deadlines.race(new Promise(() => {}), () => new Error("first timed out"))
    .catch((e: Error) => order.push(e.message));
  clock = 5;
  const second = deadlines.race(new Promise(() => {}), () => new Error("second timed out"))
    .catch((e: Error) => order.push(e.message));
  const late = deferred<string>();
  clock = 15;
  const third = deadlines.race(late.promise, () => new Error("third timed out"));
  // The fake clock says 30 ms passed when the (real, short) timer fires: the first two expired.
  clock = 30;
  await Promise.all([first, second]);
  assert.deepEqual(order, ["first timed out", "second timed out"]);
  assert.equal(deadlines.pending, 1);
  late.resolve("acked");
  assert.equal(await third, "acked");
  assert.equal(deadlines.pending, 0);
});
