/**
 * API tokens of machine clients, in PostgreSQL `query_api_tokens`. Only the SHA-256 hash of a
 * token is stored; the token is shown once, when created.
 */
import type { Sql } from "../../shared/postgres/mod.ts";

/** A token as listed (never the token itself). */
export interface TokenInfo {
  tokenId: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The token store. */
export interface TokenStore {
  /** Creates a token; returns its id and the token, which is not stored. */
  create(name: string, opts?: { token?: string }): Promise<{ tokenId: string; token: string }>;
  list(): Promise<TokenInfo[]>;
  /** Revokes a token; false when no active token has this id. */
  revoke(tokenId: string): Promise<boolean>;
  /** The id of the active token `token`, or null. */
  verify(token: string): Promise<string | null>;
  ping(): Promise<void>;
}

/** SHA-256 hex of a token. */
export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A new random token: `efq_` and 32 random bytes, base64url. */
export function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `efq_${
    btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
  }`;
}

/** The PostgreSQL token store. */
export function createTokenStore(sql: Sql): TokenStore {
  return {
    async create(name, opts = {}) {
      const token = opts.token ?? generateToken();
      const tokenId = `tok_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
      await sql`INSERT INTO query_api_tokens (token_id, name, token_hash)
        VALUES (${tokenId}, ${name}, ${await hashToken(token)})`;
      return { tokenId, token };
    },
    async list() {
      const rows = await sql<
        {
          token_id: string;
          name: string;
          created_at: Date;
          last_used_at: Date | null;
          revoked_at: Date | null;
        }[]
      >`SELECT token_id, name, created_at, last_used_at, revoked_at FROM query_api_tokens
        ORDER BY created_at, token_id`;
      return rows.map((r) => ({
        tokenId: r.token_id,
        name: r.name,
        createdAt: r.created_at,
        lastUsedAt: r.last_used_at,
        revokedAt: r.revoked_at,
      }));
    },
    async revoke(tokenId) {
      const rows = await sql`UPDATE query_api_tokens SET revoked_at = now()
        WHERE token_id = ${tokenId} AND revoked_at IS NULL RETURNING token_id`;
      return rows.length > 0;
    },
    async verify(token) {
      const rows = await sql<{ token_id: string }[]>`SELECT token_id FROM query_api_tokens
        WHERE token_hash = ${await hashToken(token)} AND revoked_at IS NULL`;
      return rows[0]?.token_id ?? null;
    },
    async ping() {
      await sql`SELECT 1`;
    },
  };
}

/** Memoizes `verify` for `ttlMs` so a request costs no PostgreSQL round trip; revocation takes
 * effect within `ttlMs`. */
export function cachedVerifier(
  store: Pick<TokenStore, "verify">,
  opts: { ttlMs: number; now?: () => number },
): (token: string) => Promise<string | null> {
  const now = opts.now ?? Date.now;
  const memo = new Map<string, { id: string | null; until: number }>();
  return async (token) => {
    const hit = memo.get(token);
    if (hit !== undefined && hit.until > now()) return hit.id;
    const id = await store.verify(token);
    if (memo.size > 10_000) memo.clear();
    memo.set(token, { id, until: now() + opts.ttlMs });
    return id;
  };
}
