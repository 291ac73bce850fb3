/**
 * INSERT bodies on their way into the engine: each is written to a private file that the
 * stand-in's own statement reads (`FROM INFILE`), so the engine's format parser reads the rows
 * directly instead of its SQL lexer scanning them as statement text (3–4× the CPU per row).
 * The directory is the stand-in's alone (0700, files 0600, random names); user SQL can never
 * name it, because statement.ts refuses `FROM INFILE` and `file()` in every request.
 * @module
 */

import { createRowCounter } from "./lines.ts";

/** One spooled body (or chunk of one); removed on dispose. */
export interface SpoolFile extends AsyncDisposable {
  /** Absolute path of the file. */
  path: string;
  /** Bytes written. */
  bytes: number;
  /** Lines holding data (the row count of a line-delimited format). */
  rows: number;
}

/** A directory of spooled request bodies. */
export interface Spool {
  /** The directory. */
  readonly dir: string;
  /** Writes `source` to a new private file. */
  write(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<SpoolFile>;
}

/**
 * Empties (a crashed server may have left files) and recreates `dir` with mode 0700, and returns
 * the spool over it. `dir` must be the stand-in's own, never shared with anything else.
 */
export async function openSpool(dir: string): Promise<Spool> {
  await Deno.remove(dir, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask; the directory must not be readable by others.
  await Deno.chmod(dir, 0o700);
  return {
    dir,
    async write(source) {
      const path = `${dir}/${crypto.randomUUID()}.rows`;
      const file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
      const counter = createRowCounter();
      let bytes = 0;
      try {
        for await (const piece of source) {
          await writeAll(file, piece);
          counter.add(piece);
          bytes += piece.length;
        }
      } catch (error) {
        file.close();
        await Deno.remove(path).catch(() => {});
        throw error;
      }
      file.close();
      return {
        path,
        bytes,
        rows: counter.rows(),
        async [Symbol.asyncDispose]() {
          await Deno.remove(path).catch(() => {});
        },
      };
    },
  };
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}
