import assert from "node:assert/strict";
import { chunkLines, countRows, createRowCounter } from "./lines.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function collect(pieces: string[], minBytes: number): Promise<string[]> {
  const out: string[] = [];
  for await (const c of chunkLines(pieces.map((p) => enc.encode(p)), minBytes)) {
    out.push(dec.decode(c));
  }
  return out;
}

Deno.test("chunkLines() cuts only after a newline, even when rows span pieces", async () => {
  assert.deepEqual(await collect(['{"a":1}\n{"a"', ':2}\n{"a":3}'], 1), [
    '{"a":1}\n',
    '{"a":2}\n',
    '{"a":3}',
  ]);
});

Deno.test("chunkLines() gathers pieces until the minimum size", async () => {
  assert.deepEqual(await collect(["a\n", "b\n", "c\n", "d\n"], 4), ["a\nb\n", "c\nd\n"]);
});

Deno.test("chunkLines() keeps every byte across many chunks", async () => {
  const rows = Array.from({ length: 1000 }, (_, i) => `{"i":${i}}\n`);
  const chunks = await collect(rows, 100);
  assert.deepEqual(chunks.join(""), rows.join(""));
  assert.deepEqual(chunks.every((c) => c.endsWith("\n")), true);
});

Deno.test("countRows() ignores blank lines and counts an unterminated last row", () => {
  assert.deepEqual(countRows(enc.encode('{"a":1}\n\n  \n{"a":2}')), 2);
  assert.deepEqual(countRows(enc.encode("")), 0);
});

Deno.test("createRowCounter() counts rows that span pieces once", () => {
  const counter = createRowCounter();
  for (const piece of ['{"a"', ":1}\n", "\n", '  {"a":2}\n{', '"a":3}']) {
    counter.add(enc.encode(piece));
  }
  assert.deepEqual(counter.rows(), 3);
});
