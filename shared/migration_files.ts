/**
 * Reading versioned migration files, shared by the ClickHouse and PostgreSQL runners.
 *
 * A migration is one `.sql` file; its version is the file name without `.sql`
 * (`0001_events`), and file-name order is apply order, so versions are zero-padded.
 */

/** One migration file, read and fingerprinted. */
export interface Migration {
  /** File name without `.sql`, e.g. `0001_events`; the key recorded in `schema_migrations`. */
  version: string;
  /** The file's SQL text as written. */
  sql: string;
  /** Hex SHA-256 of `sql`, recorded so an edited, already-applied file can be reported. */
  checksum: string;
}

/** Reads every `*.sql` file in `dir`, ordered by file name. */
export async function readMigrations(dir: string): Promise<Migration[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".sql")) names.push(entry.name);
    }
  } catch (cause) {
    throw new Error(`Cannot read migrations directory "${dir}": ${String(cause)}`, { cause });
  }
  names.sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const sql = await Deno.readTextFile(`${dir}/${name}`);
    migrations.push({ version: name.slice(0, -".sql".length), sql, checksum: await sha256(sql) });
  }
  return migrations;
}

/**
 * Splits a script into statements at `;` that ends a line. Comment-only and blank chunks are
 * dropped. Semicolons inside a line (string literals, settings) are left alone, which is why
 * migration files end every statement with `;` and a newline.
 */
export function splitStatements(script: string): string[] {
  return script
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((chunk) => chunk.trim())
    .filter((chunk) => stripComments(chunk) !== "");
}

function stripComments(chunk: string): string {
  return chunk.split("\n").filter((line) => !line.trim().startsWith("--")).join("\n").trim();
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
