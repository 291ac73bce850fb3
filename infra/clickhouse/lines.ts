/**
 * Cuts a byte stream into chunks that end on a newline, so each chunk of a line-delimited INSERT
 * body is a complete set of rows. Pure apart from consuming the given iterable.
 * @module
 */

const NEWLINE = 0x0a;

/**
 * Yields chunks of at least `minBytes` (except the last) that each end right after the first
 * newline past that size. Memory stays near `minBytes` plus one incoming piece and one row.
 *
 * @example
 * ```ts
 * import { chunkLines } from "./lines.ts";
 * const enc = new TextEncoder();
 * const out: string[] = [];
 * for await (const c of chunkLines([enc.encode("a\nb"), enc.encode("\nc\n")], 1)) {
 *   out.push(new TextDecoder().decode(c));
 * }
 * if (out.join("|") !== "a\n|b\n|c\n") throw new Error(out.join("|"));
 * ```
 */
export async function* chunkLines(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  minBytes: number,
): AsyncGenerator<Uint8Array> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for await (const piece of source) {
    if (piece.length === 0) continue;
    pending.push(piece);
    pendingBytes += piece.length;
    if (pendingBytes < minBytes || piece.lastIndexOf(NEWLINE) === -1) continue;
    let whole = concat(pending, pendingBytes);
    // A piece far larger than minBytes (a decompressed gzip block) still yields bounded chunks.
    for (;;) {
      const cut = whole.length < minBytes ? -1 : whole.indexOf(NEWLINE, minBytes - 1);
      if (cut === -1) break;
      yield whole.subarray(0, cut + 1);
      whole = whole.subarray(cut + 1);
    }
    pending = whole.length > 0 ? [whole] : [];
    pendingBytes = whole.length;
  }
  if (pendingBytes > 0) yield concat(pending, pendingBytes);
}

/** Counts rows in a line-delimited chunk: lines that hold anything but whitespace. */
export function countRows(chunk: Uint8Array): number {
  const counter = createRowCounter();
  counter.add(chunk);
  return counter.rows();
}

/** A row count kept across the pieces of one stream (see {@link createRowCounter}). */
export interface RowCounter {
  /** Counts the rows of the next piece; a row may span pieces. */
  add(piece: Uint8Array): void;
  /** Rows so far, an unterminated last row included. */
  rows(): number;
}

/**
 * Counts the lines that hold anything but whitespace in a stream fed piece by piece. Jumps from
 * newline to newline and looks at a line's bytes only until the first non-blank one, so a row
 * costs a few comparisons, not one per byte.
 */
export function createRowCounter(): RowCounter {
  let rows = 0;
  let lineHasData = false;
  return {
    add(piece) {
      let start = 0;
      while (start <= piece.length) {
        let end = piece.indexOf(NEWLINE, start);
        const terminated = end !== -1;
        if (!terminated) end = piece.length;
        for (let i = start; !lineHasData && i < end; i++) {
          const byte = piece[i]!;
          if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) lineHasData = true;
        }
        if (!terminated) return;
        if (lineHasData) rows++;
        lineHasData = false;
        start = end + 1;
      }
    },
    rows: () => lineHasData ? rows + 1 : rows,
  };
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
