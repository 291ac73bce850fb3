/**
 * Where one person's data is kept, as pure values: the tables of each store that hold rows about a
 * user, and the condition that selects that user's rows. The adapters (postgres.ts, clickhouse.ts,
 * redis.ts) run these for `export` and `forget`; a new table holding per-user rows is added here
 * and both commands (and the admin console, which calls the same module) cover it.
 *
 * A person is a user id plus the anonymous ids linked to it: through `identities` (identify,
 * signup, alias) and those seen on the user's own events, minus any that `identities` links to
 * somebody else (a shared device is not the other person's to forget). A row that names another
 * user id is that user's, whatever anonymous id or session it shares with the subject.
 * @module
 */

/** The user and the anonymous ids that are theirs. */
export interface Subject {
  userId: string;
  anonymousIds: string[];
}

/** Anonymous ids found for a user, by where they were found. */
export interface LinkedIds {
  /** `identities.anonymous_id` where `user_id` is the user. */
  identities: string[];
  /** anonymous ids on rows or events that carry the user id too. */
  seenWithUser: string[];
  /** Of those, the ones `identities` links to another user. */
  linkedToOthers: string[];
}

/** The subject of a request: the user and their anonymous ids, sorted, without duplicates. */
export function subjectOf(userId: string, linked: LinkedIds): Subject {
  const others = new Set(linked.linkedToOthers);
  const ids = new Set([
    ...linked.identities,
    ...linked.seenWithUser.filter((id) => !others.has(id)),
  ]);
  ids.delete("");
  ids.delete(userId);
  return { userId, anonymousIds: [...ids].sort() };
}

/** Rejects a user id no request can mean: empty, padded, or with control characters. */
export function validUserId(userId: string): string {
  // deno-lint-ignore no-control-regex
  if (userId === "" || userId.trim() !== userId || /[\u0000-\u001f\u007f]/.test(userId)) {
    throw new RangeError(
      `User id ${JSON.stringify(userId)} is empty, padded with spaces or holds control characters`,
    );
  }
  return userId;
}

/**
 * A PostgreSQL table with rows about a user. `where` selects them with `$1` the user id and `$2`
 * the anonymous ids (`text[]`); `order` keeps exports stable.
 */
export interface PostgresTable {
  table: string;
  where: string;
  order: string;
}

// A row naming another user is that user's, whatever anonymous id or session it shares.
const BY_USER_OR_ANON = "user_id = $1 OR (user_id IS NULL AND anonymous_id = ANY($2::text[]))";
const SESSIONS = `SELECT session_id FROM sessions WHERE ${BY_USER_OR_ANON}`;
const ORDERS = `user_id = $1 OR (user_id IS NULL AND ` +
  `(anonymous_id = ANY($2::text[]) OR session_id IN (${SESSIONS})))`;

/**
 * PostgreSQL tables holding a user's rows, in the order a deletion must go (children before the
 * rows they reference). Not listed on purpose: `products`, `campaigns`, `currency_rates`,
 * `campaign_spend` (no personal data), `sources`, `query_api_tokens` and the `admin_*` tables
 * (about operators, not about the people whose events are collected).
 */
export const POSTGRES_TABLES: readonly PostgresTable[] = [
  {
    table: "order_items",
    where: `order_id IN (SELECT order_id FROM orders WHERE ${ORDERS})`,
    order: "order_id, line_no",
  },
  { table: "orders", where: ORDERS, order: "created_at, order_id" },
  { table: "business_events", where: BY_USER_OR_ANON, order: "occurred_at, event_id" },
  { table: "reviews", where: "user_id = $1", order: "created_at, event_id" },
  { table: "signups", where: "user_id = $1", order: "signed_up_at" },
  { table: "sessions", where: BY_USER_OR_ANON, order: "started_at, session_id" },
  {
    table: "identities",
    where: "user_id = $1 OR anonymous_id = ANY($2::text[])",
    order: "linked_at, anonymous_id",
  },
  { table: "users", where: "user_id = $1", order: "user_id" },
];

/**
 * A ClickHouse table with rows about a user; `where` uses `{user:String}` and
 * `{anons:Array(String)}` parameters.
 */
export interface ClickHouseTable {
  table: string;
  where: string;
  order: string;
}

const BY_EVENT_ACTOR = "user_id = {user:String} OR " +
  "(user_id = '' AND anonymous_id != '' AND has({anons:Array(String)}, anonymous_id))";

/**
 * ClickHouse tables holding a user's rows: the events, and the query service's rollups that keep
 * one row per event (`revenue_events`) or per actor and day (`actor_days`, the user id or else
 * the anonymous id). The older rollups (`events_hourly`, `daily_active_users`) hold no row per
 * user: only uniqExact states (128-bit hashes of ids, summed by hour or day), so they are neither
 * exported nor changed; a forgotten user stays counted in past totals.
 */
export const CLICKHOUSE_TABLES: readonly ClickHouseTable[] = [
  { table: "events", where: BY_EVENT_ACTOR, order: "timestamp, event_id" },
  { table: "revenue_events", where: BY_EVENT_ACTOR, order: "timestamp, event_id" },
  {
    table: "actor_days",
    where: "actor = {user:String} OR has({anons:Array(String)}, actor)",
    order: "day, actor",
  },
];
