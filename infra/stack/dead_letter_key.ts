/**
 * The local stack's dead-letter key: `DEAD_LETTER_KEYS` when set, else generated once into
 * `<stack dir>/dead-letter.key` (mode 0600), like the ClickHouse users file. Services seal
 * dead-letter payloads with it; `tools/dlq.ts` opens them with it.
 */
import { generateDeadLetterKey } from "../../shared/events/mod.ts";

/** The key file under a stack directory. */
export function deadLetterKeyPath(stackDir: string): string {
  return `${stackDir}/dead-letter.key`;
}

/** The stored keys, or null when the file does not exist. */
export async function readDeadLetterKey(stackDir: string): Promise<string | null> {
  try {
    const text = (await Deno.readTextFile(deadLetterKeyPath(stackDir))).trim();
    return text === "" ? null : text;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** `given` (DEAD_LETTER_KEYS) if set, else the stored keys, else a new key written to the file. */
export async function ensureDeadLetterKey(stackDir: string, given?: string): Promise<string> {
  if (given !== undefined && given.trim() !== "") return given;
  const stored = await readDeadLetterKey(stackDir);
  if (stored !== null) return stored;
  const key = generateDeadLetterKey();
  await Deno.mkdir(stackDir, { recursive: true });
  await Deno.writeTextFile(deadLetterKeyPath(stackDir), `${key}\n`, { mode: 0o600 });
  await Deno.chmod(deadLetterKeyPath(stackDir), 0o600);
  return key;
}
