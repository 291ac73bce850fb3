/**
 * Dead-letter payloads at rest: sealed with AES-256-GCM (WebCrypto) before they reach the
 * dead-letter topic, because a dead letter holds exactly what a stage could not process, often
 * with PII that was never masked (a `PRIVACY_FAILED` record holds the email the masking step
 * choked on). Only the payload is sealed; stage, reason, error and source stay readable so the
 * records can be browsed without the key.
 *
 * Keys come from `DEAD_LETTER_KEYS`: base64 32-byte keys, comma-separated, the first one seals and
 * every one opens (so a key can be rotated without losing older records). Records written before
 * sealing existed (`utf8`/`base64`) are read as they are.
 * @module
 */
import { Buffer } from "node:buffer";
import { EventFlowError } from "../errors.ts";
import type { DeadLetter } from "./dead_letter.ts";

/** The encoding of a sealed payload. */
export const SEALED_ENCODING = "aes-256-gcm";

/** The keys that seal and open dead-letter payloads. */
export interface DeadLetterKeyring {
  /** Id of the sealing key (the first one given). */
  readonly currentId: string;
  /** Every key by id; the sealing key among them. */
  readonly keys: ReadonlyMap<string, CryptoKey>;
}

/** A new random key as `DEAD_LETTER_KEYS` takes it (base64 of 32 bytes). */
export function generateDeadLetterKey(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
}

/**
 * Reads `DEAD_LETTER_KEYS` (comma-separated base64 keys of 32 bytes, the first seals). Throws a
 * `CONFIG_INVALID` error naming the bad item by position, never its value.
 */
export async function parseDeadLetterKeys(text: string): Promise<DeadLetterKeyring> {
  const items = text.split(",").map((item) => item.trim()).filter((item) => item !== "");
  if (items.length === 0) {
    throw new EventFlowError("CONFIG_INVALID", "DEAD_LETTER_KEYS lists no key");
  }
  const keys = new Map<string, CryptoKey>();
  let currentId = "";
  for (const [i, item] of items.entries()) {
    const raw = /^[A-Za-z0-9+/_-]+={0,2}$/.test(item)
      ? new Uint8Array(Buffer.from(item, "base64"))
      : null;
    if (raw === null || raw.length !== 32) {
      throw new EventFlowError(
        "CONFIG_INVALID",
        `DEAD_LETTER_KEYS item ${i + 1} is not a base64 key of 32 bytes` +
          (raw === null ? "" : ` (it decodes to ${raw.length} bytes)`) +
          "; generate one with `openssl rand -base64 32`",
      );
    }
    const id = await keyId(raw);
    keys.set(
      id,
      await crypto.subtle.importKey("raw", raw, "AES-GCM", false, [
        "encrypt",
        "decrypt",
      ]),
    );
    if (i === 0) currentId = id;
  }
  return { currentId, keys };
}

/** First 8 bytes of the key's SHA-256, hex: names the key in records without revealing it. */
async function keyId(raw: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw));
  return Buffer.from(digest.subarray(0, 8)).toString("hex");
}

/** Binds a sealed payload to its record's source, so it cannot be moved to another record. */
function additionalData(record: DeadLetter): Uint8Array<ArrayBuffer> {
  const { topic, partition, offset } = record.source;
  return new TextEncoder().encode(`eventflow-dead-letter/${topic}/${partition}/${offset}`);
}

/** The payload bytes of a record that is not sealed. */
export function plainPayloadBytes(record: DeadLetter): Uint8Array<ArrayBuffer> {
  if (record.payload_encoding === "utf8") return new TextEncoder().encode(record.payload);
  if (record.payload_encoding === "base64") {
    return new Uint8Array(Buffer.from(record.payload, "base64"));
  }
  throw new EventFlowError(
    "DEAD_LETTER_SEALED",
    `Dead-letter payload is sealed with key ${record.payload_key_id ?? "?"}; open it with ` +
      "openDeadLetterPayload() and DEAD_LETTER_KEYS",
  );
}

/** The record with its payload sealed by the keyring's current key; a sealed record is kept. */
export async function sealDeadLetter(
  record: DeadLetter,
  keyring: DeadLetterKeyring,
): Promise<DeadLetter> {
  if (record.payload_encoding === SEALED_ENCODING) return record;
  const key = keyring.keys.get(keyring.currentId)!;
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: additionalData(record) },
      key,
      plainPayloadBytes(record),
    ),
  );
  return {
    ...record,
    payload: Buffer.concat([iv, sealed]).toString("base64"),
    payload_encoding: SEALED_ENCODING,
    payload_key_id: keyring.currentId,
  };
}

/**
 * The original payload bytes: plain records as they are, sealed ones decrypted. Throws
 * `DEAD_LETTER_KEY_MISSING` when the record's key is not in `keyring` (or there is none) and
 * `DEAD_LETTER_UNREADABLE` when the ciphertext does not open.
 */
export async function openDeadLetterPayload(
  record: DeadLetter,
  keyring: DeadLetterKeyring | null,
): Promise<Uint8Array> {
  if (record.payload_encoding !== SEALED_ENCODING) return plainPayloadBytes(record);
  const id = record.payload_key_id ?? "";
  const key = keyring?.keys.get(id);
  if (key === undefined) {
    const known = keyring === null ? "none configured" : [...keyring.keys.keys()].join(", ");
    throw new EventFlowError(
      "DEAD_LETTER_KEY_MISSING",
      `Dead-letter payload at ${record.source.topic}/${record.source.partition}/` +
        `${record.source.offset} is sealed with key ${id || "(no id)"}, not among ` +
        `DEAD_LETTER_KEYS (${known}); add that key to DEAD_LETTER_KEYS`,
    );
  }
  const bytes = new Uint8Array(Buffer.from(record.payload, "base64"));
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: bytes.subarray(0, 12), additionalData: additionalData(record) },
        key,
        bytes.subarray(12),
      ),
    );
  } catch (error) {
    throw new EventFlowError(
      "DEAD_LETTER_UNREADABLE",
      `Dead-letter payload at ${record.source.topic}/${record.source.partition}/` +
        `${record.source.offset} does not open with key ${id}: it was altered or truncated`,
      { cause: error },
    );
  }
}

/**
 * The keyring a service seals its dead letters with: from `DEAD_LETTER_KEYS`, or null when the
 * operator opted into plain payloads with `DEAD_LETTER_PLAINTEXT=true`. Neither set is a
 * `CONFIG_INVALID` error: unsealed PII at rest is never the silent default.
 */
export async function deadLetterKeyring(
  config: { DEAD_LETTER_KEYS?: string; DEAD_LETTER_PLAINTEXT: boolean },
): Promise<DeadLetterKeyring | null> {
  if (config.DEAD_LETTER_KEYS !== undefined && config.DEAD_LETTER_KEYS.trim() !== "") {
    return await parseDeadLetterKeys(config.DEAD_LETTER_KEYS);
  }
  if (config.DEAD_LETTER_PLAINTEXT) return null;
  throw new EventFlowError(
    "CONFIG_INVALID",
    "DEAD_LETTER_KEYS is not set: dead-letter payloads hold unmasked personal data and are " +
      "sealed with it (base64 32-byte keys, e.g. `openssl rand -base64 32`; the local stack " +
      "generates .stack/dead-letter.key). Set DEAD_LETTER_PLAINTEXT=true to store them in clear " +
      "instead (development only)",
  );
}
