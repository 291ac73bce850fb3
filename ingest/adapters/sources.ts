/**
 * Sources and their write keys in PostgreSQL (`sources` table), plus the in-memory cache the
 * request path uses so that a key lookup costs no database round-trip.
 */
import type { Sql } from "../../shared/postgres/mod.ts";
import { IngestError } from "../core/errors.ts";
import type { SourceKind } from "../core/event.ts";

/** A source as ingest needs it. */
export interface Source {
  sourceId: string;
  name: string;
  platform: string;
  /** Who can read the key: `public` (web/mobile) or `server` (back end). */
  kind: SourceKind;
  createdAt: string;
  revokedAt: string | null;
}

/** Finds sources by key hash (the port the cache and the routes use). */
export interface SourceLookup {
  /** The source owning the key with this SHA-256 hex hash, or null when none does. */
  findByHash(hash: string): Promise<Source | null>;
}

/** A source to create: `kind` defaults to `public`. */
export interface NewSource {
  sourceId: string;
  name: string;
  platform: string;
  kind?: SourceKind;
  hash: string;
}

/** The Postgres-backed source store (also used by the CLI). */
export interface SourceStore extends SourceLookup {
  /** Inserts a source; `kind` defaults to `public`, the safe one. */
  create(source: NewSource): Promise<Source>;
  list(): Promise<Source[]>;
  /** Marks the source revoked; false when it does not exist. */
  revoke(sourceId: string): Promise<boolean>;
  /**
   * Creates the source if absent. An existing active one takes the new key hash; a revoked one
   * is returned unchanged, because a revoked key must stay revoked.
   */
  ensure(source: NewSource): Promise<Source>;
  ping(): Promise<void>;
}

interface Row {
  source_id: string;
  name: string;
  platform: string;
  kind: SourceKind;
  created_at: Date;
  revoked_at: Date | null;
}

function toSource(row: Row): Source {
  return {
    sourceId: row.source_id,
    name: row.name,
    platform: row.platform,
    kind: row.kind,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** Creates the store over a postgres.js pool. */
export function createSourceStore(sql: Sql): SourceStore {
  return {
    async findByHash(hash) {
      const rows = await sql<Row[]>`
        SELECT source_id, name, platform, kind, created_at, revoked_at FROM sources
        WHERE write_key_hash = ${hash}`;
      return rows[0] ? toSource(rows[0]) : null;
    },
    async create({ sourceId, name, platform, kind = "public", hash }) {
      const rows = await sql<Row[]>`
        INSERT INTO sources (source_id, name, platform, kind, write_key_hash)
        VALUES (${sourceId}, ${name}, ${platform}, ${kind}, ${hash})
        RETURNING source_id, name, platform, kind, created_at, revoked_at`;
      return toSource(rows[0]!);
    },
    async list() {
      const rows = await sql<Row[]>`
        SELECT source_id, name, platform, kind, created_at, revoked_at FROM sources ORDER BY created_at`;
      return rows.map(toSource);
    },
    async revoke(sourceId) {
      const rows = await sql`
        UPDATE sources SET revoked_at = coalesce(revoked_at, now())
        WHERE source_id = ${sourceId} RETURNING source_id`;
      return rows.length > 0;
    },
    async ensure({ sourceId, name, platform, kind = "public", hash }) {
      const rows = await sql<Row[]>`
        INSERT INTO sources (source_id, name, platform, kind, write_key_hash)
        VALUES (${sourceId}, ${name}, ${platform}, ${kind}, ${hash})
        ON CONFLICT (source_id) DO UPDATE
          SET write_key_hash = CASE WHEN sources.revoked_at IS NULL
            THEN excluded.write_key_hash ELSE sources.write_key_hash END
        RETURNING source_id, name, platform, kind, created_at, revoked_at`;
      return toSource(rows[0]!);
    },
    async ping() {
      await sql`SELECT 1`;
    },
  };
}

/** Options for {@link createSourceCache}. */
export interface SourceCacheOptions {
  /** How long a found (or revoked) source is trusted, ms. Revocation lags by at most this. */
  ttlMs: number;
  /** How long "no such key" is remembered, ms (default min(ttlMs, 5000)) so new keys work soon. */
  negativeTtlMs?: number;
  /**
   * Most keys remembered, found and unknown counted apart (default 10000 each); a full map is
   * cleared so random keys cannot grow it, and a flood of unknown keys never evicts known ones.
   */
  maxEntries?: number;
  /** Clock, epoch ms (default Date.now). */
  now?: () => number;
}

/** A cached lookup; when the database is down, a stale entry is served rather than failing. */
export function createSourceCache(store: SourceLookup, opts: SourceCacheOptions): SourceLookup {
  const now = opts.now ?? Date.now;
  const negativeTtl = opts.negativeTtlMs ?? Math.min(opts.ttlMs, 5000);
  const maxEntries = opts.maxEntries ?? 10_000;
  // Unknown keys live apart: anyone can send random keys, and if they shared one map with the
  // real sources, filling it would evict the known keys, sending every request to Postgres and
  // leaving no stale entry to serve when Postgres is down.
  const found = new Map<string, { source: Source | null; expires: number }>();
  const unknown = new Map<string, { source: Source | null; expires: number }>();
  const loading = new Map<string, Promise<Source | null>>();
  const entryOf = (hash: string) => found.get(hash) ?? unknown.get(hash);

  async function load(hash: string): Promise<Source | null> {
    const stale = entryOf(hash);
    try {
      const source = await store.findByHash(hash);
      const entries = source ? found : unknown;
      (source ? unknown : found).delete(hash);
      if (entries.size >= maxEntries && !entries.has(hash)) entries.clear();
      entries.set(hash, { source, expires: now() + (source ? opts.ttlMs : negativeTtl) });
      return source;
    } catch (error) {
      if (stale) return stale.source;
      throw new IngestError(
        503,
        "SOURCES_UNAVAILABLE",
        "Cannot check the write key because the sources database is unreachable; retry later",
        { retryAfter: 5, cause: error },
      );
    } finally {
      loading.delete(hash);
    }
  }

  return {
    findByHash(hash) {
      const entry = entryOf(hash);
      if (entry && entry.expires > now()) return Promise.resolve(entry.source);
      let pending = loading.get(hash);
      if (!pending) {
        pending = load(hash);
        loading.set(hash, pending);
      }
      return pending;
    },
  };
}
