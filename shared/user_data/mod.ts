/**
 * A person's right of access and to be forgotten: everything EventFlow keeps about one user id
 * (and the anonymous ids that are theirs) exported as JSON, or deleted from PostgreSQL,
 * ClickHouse and the Redis caches. `tools/user_data.ts` is the command line; the admin console
 * calls the same functions. What is kept where: `catalogue.ts` and docs/privacy.md.
 * @module
 */
import type { ClickHouseClient } from "../clickhouse/mod.ts";
import type { Sql } from "../postgres/mod.ts";
import type { Redis } from "../redis/mod.ts";
import { type Subject, subjectOf, validUserId } from "./catalogue.ts";
import { clickhouseLinks, exportClickHouse, forgetClickHouse } from "./clickhouse.ts";
import { exportPostgres, forgetPostgres, linkedToOthers, postgresLinks } from "./postgres.ts";
import { forgetRedis } from "./redis.ts";

export * from "./catalogue.ts";
export { redisKeysOf } from "./redis.ts";

/** The stores a request reads or changes. */
export interface UserDataStores {
  sql: Sql;
  /** As the writer for `forget` (it runs ALTER … DELETE); the reader is enough for `export`. */
  ch: ClickHouseClient;
  /** enrich's caches; without it `forget` leaves them to expire (profile 1 h, sessions 30 min). */
  redis?: Redis;
  /** enrich's REDIS_KEY_PREFIX (default `ef:`). */
  redisPrefix?: string;
}

/** Finds the subject: the user id and the anonymous ids that are theirs. */
export async function findSubject(
  stores: Pick<UserDataStores, "sql" | "ch">,
  userId: string,
): Promise<Subject> {
  validUserId(userId);
  const [pg, ch] = await Promise.all([
    postgresLinks(stores.sql, userId),
    clickhouseLinks(stores.ch, userId),
  ]);
  const seenWithUser = [...pg.seenWithUser, ...ch];
  return subjectOf(userId, {
    identities: pg.identities,
    seenWithUser,
    linkedToOthers: await linkedToOthers(stores.sql, userId, seenWithUser),
  });
}

/** Everything held about one user, as one JSON-ready object. */
export interface UserDataExport {
  user_id: string;
  anonymous_ids: string[];
  exported_at: string;
  /** Rows per table. */
  postgres: Record<string, unknown[]>;
  clickhouse: Record<string, unknown[]>;
}

/** Exports every row about `userId` from PostgreSQL and ClickHouse. */
export async function exportUserData(
  stores: Pick<UserDataStores, "sql" | "ch">,
  userId: string,
  now: Date = new Date(),
): Promise<UserDataExport> {
  const subject = await findSubject(stores, userId);
  const [postgres, clickhouse] = await Promise.all([
    exportPostgres(stores.sql, subject),
    exportClickHouse(stores.ch, subject),
  ]);
  return {
    user_id: subject.userId,
    anonymous_ids: subject.anonymousIds,
    exported_at: now.toISOString(),
    postgres,
    clickhouse,
  };
}

/** What a forget removed. */
export interface ForgetReport {
  user_id: string;
  anonymous_ids: string[];
  /** Rows deleted per table, and Redis keys deleted. */
  deleted: { postgres: Record<string, number>; clickhouse: Record<string, number>; redis: number };
}

/**
 * Deletes every row about `userId`: PostgreSQL in one transaction first (the operational truth),
 * then ClickHouse with a synchronous mutation, then the Redis caches. Running it again is
 * harmless; events still in Kafka when it runs are written afterwards, see docs/privacy.md.
 */
export async function forgetUserData(
  stores: UserDataStores,
  userId: string,
): Promise<ForgetReport> {
  const subject = await findSubject(stores, userId);
  const postgres = await forgetPostgres(stores.sql, subject);
  const clickhouse = await forgetClickHouse(stores.ch, subject);
  const redis = stores.redis ? await forgetRedis(stores.redis, subject, stores.redisPrefix) : 0;
  return {
    user_id: subject.userId,
    anonymous_ids: subject.anonymousIds,
    deleted: { postgres, clickhouse, redis },
  };
}
