/**
 * Staff passwords: scrypt (memory-hard, from node:crypto) with a per-password random salt,
 * stored as `scrypt$N$r$p$salt$hash` so the cost can be raised later without breaking old
 * hashes, and compared in constant time.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** scrypt cost parameters. */
export interface ScryptCost {
  /** CPU/memory cost, a power of two (memory ≈ 128 · N · r bytes). */
  N: number;
  r: number;
  p: number;
}

/** 2^15 · 8 · 128 B = 32 MiB per hash: RFC 7914's interactive-login figure. */
export const DEFAULT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFC"), salt, KEY_BYTES, {
      ...cost,
      maxmem: 256 * cost.N * cost.r + 1024 * 1024,
    }, (error, key) => error ? reject(error) : resolve(key))
  );
}

/** Hashes `password` with a fresh salt; the result is what `admin_users.password_hash` holds. */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST) {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost);
  return ["scrypt", cost.N, cost.r, cost.p, salt.toString("base64"), key.toString("base64")]
    .join("$");
}

/** True when `password` matches `stored`; false for a wrong password or a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (!N || !r || !p || N > 2 ** 20 || (N & (N - 1)) !== 0) return false;
  const salt = Buffer.from(parts[4]!, "base64");
  const expected = Buffer.from(parts[5]!, "base64");
  if (expected.length !== KEY_BYTES) return false;
  const actual = await derive(password, salt, { N, r, p });
  return timingSafeEqual(actual, expected);
}

/**
 * A hash no password matches, verified against when the username is unknown so that a wrong
 * username takes as long as a wrong password and does not reveal which accounts exist.
 */
export function decoyHash(cost: ScryptCost = DEFAULT_COST): string {
  const zeros = Buffer.alloc(KEY_BYTES).toString("base64");
  return ["scrypt", cost.N, cost.r, cost.p, Buffer.alloc(SALT_BYTES).toString("base64"), zeros]
    .join("$");
}

/** A random password for a new account: 20 characters from an unambiguous alphabet. */
export function generatePassword(): string {
  const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes(40);
  let out = "";
  // 2 bytes per character keeps the modulo bias below 0.1%.
  for (let i = 0; i < 40; i += 2) {
    out += alphabet[(bytes[i]! * 256 + bytes[i + 1]!) % alphabet.length];
  }
  return out;
}

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 12) return "must be at least 12 characters long";
  if (password.length > 200) return "must be at most 200 characters long";
  return undefined;
}
