import assert from "node:assert/strict";
import { csvCell, csvDownloadHeaders, csvLine, csvStream } from "./csv.ts";

Deno.test("csvCell() quotes commas, quotes and line breaks, and defuses formulas", () => {
  assert.equal(csvCell("plain"), "plain");
  assert.equal(csvCell('say "hi", bye'), '"say ""hi"", bye"');
  assert.equal(csvCell("two\nlines"), '"two\nlines"');
  assert.equal(csvCell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
  assert.equal(csvCell("-1+1,2"), `"'-1+1,2"`);
  assert.equal(csvCell(-12.5), "-12.5");
  assert.equal(csvCell(null), "");
  assert.equal(csvCell(new Date("2026-01-02T03:04:05Z")), "2026-01-02T03:04:05.000Z");
  assert.equal(csvLine(["a", 1, null]), "a,1,\r\n");
});

Deno.test("csvStream() writes a BOM, the header and every batch in order", async () => {
  async function* batches() {
    yield [["Москва", 1]];
    yield [["a,b", 2], ["c", 3]];
  }
  const bytes = await new Response(csvStream(["Город", "n"], batches())).arrayBuffer();
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  assert.equal(text, '\uFEFFГород,n\r\nМосква,1\r\n"a,b",2\r\nc,3\r\n');
});

Deno.test("csvDownloadHeaders() names the file after the UTC day and forbids caching", () => {
  assert.deepEqual(csvDownloadHeaders("signups", new Date("2026-03-01T23:30:00Z")), {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": 'attachment; filename="signups-2026-03-01.csv"',
    "cache-control": "no-store",
  });
});
