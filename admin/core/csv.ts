/**
 * CSV (RFC 4180) for exports: fields with a comma, quote or line break are quoted with quotes
 * doubled; text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is prefixed
 * with `'` so an exported customer name cannot execute in Excel.
 */

/** A value of an exported cell; numbers are written as plain decimals, null as empty. */
export type CsvValue = string | number | Date | null | undefined;

/** One CSV line (with CRLF) from cell values. */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/** One CSV cell. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  let text = value instanceof Date ? value.toISOString() : value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The UTF-8 byte-order mark, so spreadsheet apps read Cyrillic headers as UTF-8. */
export const UTF8_BOM = "\uFEFF";

/**
 * A streamed CSV body: the header line, then the lines of every batch `rows` yields, encoded as
 * they come so a large export never sits in memory.
 */
export function csvStream(
  header: readonly string[],
  rows: AsyncIterable<readonly CsvValue[][]>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = rows[Symbol.asyncIterator]();
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(UTF8_BOM + csvLine(header)));
        return;
      }
      const next = await iterator.next();
      if (next.done) return controller.close();
      controller.enqueue(encoder.encode(next.value.map(csvLine).join("")));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** The headers of a download named `<name>-<YYYY-MM-DD>.csv` (the day of `now`, UTC), never cached. */
export function csvDownloadHeaders(name: string, now: Date): Record<string, string> {
  const stamp = now.toISOString().slice(0, 10);
  return {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="${name}-${stamp}.csv"`,
    "cache-control": "no-store",
  };
}
