/**
 * The embedded ClickHouse engine behind a small interface: the chdb implementation here, a fake
 * in tests. chdb runs one statement at a time per session, so every request takes the engine
 * exclusively for its whole statement sequence (context setup, SQL, cleanup).
 * @module
 */

import { Session } from "chdb";
import { ClickHouseException } from "./errors.ts";

/** Bytes and counters of one executed statement. */
export interface EngineResult {
  /** Result body in the requested format. */
  bytes: Uint8Array<ArrayBuffer>;
  /** Rows read by the engine. */
  rowsRead: number;
  /** Bytes read by the engine. */
  bytesRead: number;
  /** Wall time in seconds as the engine measured it. */
  elapsedSec: number;
}

/** What a request may do while it holds the engine. */
export interface EngineRunner {
  /** Runs one statement; `format` applies when the SQL has no FORMAT clause. */
  query(sql: string, format: string): Promise<EngineResult>;
  /** Forgets every query parameter set with `SET param_x = ...`. */
  clearParams(): Promise<void>;
  /**
   * The statement as the engine parses it, on one line without comments and without inline
   * INSERT data; throws the engine's SYNTAX_ERROR (62) for a multi-statement.
   */
  formatQuery(sql: string): Promise<string>;
}

/** Options of {@link Engine.exclusive}. */
export interface ExclusiveOptions {
  /** Aborted (client gone) while waiting: the work never starts. */
  signal?: AbortSignal;
  /** Longest wait for the engine before TIMEOUT_EXCEEDED (159), ms. Default: no limit. */
  maxWaitMs?: number;
}

/** An engine that serialises work: `exclusive` callbacks never overlap. */
export interface Engine {
  /** Engine version, e.g. "26.7.2.1", as error bodies report it. */
  readonly version: string;
  /**
   * Runs `work` with sole use of the engine. Rejects at once with TOO_MANY_SIMULTANEOUS_QUERIES
   * (202) when the queue is full, and without running `work` when the wait is abandoned.
   */
  exclusive<T>(work: (runner: EngineRunner) => Promise<T>, opts?: ExclusiveOptions): Promise<T>;
  /** Waits for running work, then releases the engine. Idempotent. */
  close(): Promise<void>;
}

/** Options for {@link openChdbEngine}. */
export interface ChdbEngineOptions {
  /** Extra `clickhouse local` style flags; defaults match clickhouse-server's behaviour. */
  connectionArgs?: string[];
  /** Requests that may wait for the engine at once; more are refused. Default 64. */
  maxQueued?: number;
}

// clickhouse-local enables implicit SELECT ("1+1" runs); clickhouse-server does not. Databases are
// loaded before the first request so a table created before a restart is there at once.
// Introspection functions read the server's memory map; clickhouse-server has them off.
const DEFAULT_ARGS = [
  "--implicit_select=0",
  "--async_load_databases=0",
  "--allow_introspection_functions=0",
];

/** Opens (creating if needed) a persistent chdb engine on `dataDir`. */
export function openChdbEngine(dataDir: string, options: ChdbEngineOptions = {}): Engine {
  const session = new Session(dataDir, { connectionArgs: options.connectionArgs ?? DEFAULT_ARGS });
  const version = session.query("SELECT version()", "TabSeparated").trim();
  const lock = createQueue({ maxQueued: options.maxQueued ?? 64 });
  let closed = false;
  const runner: EngineRunner = {
    async query(sql, format) {
      const result = await session.queryAsync(sql, { format });
      return {
        // chdb hands back a Buffer over an ordinary (non-shared) ArrayBuffer.
        bytes: result.bytes() as Uint8Array<ArrayBuffer>,
        rowsRead: result.rowsRead,
        bytesRead: result.bytesRead,
        elapsedSec: result.elapsed,
      };
    },
    async clearParams() {
      // A bound query resets the whole parameter map when it finishes, SET ones included.
      await session.queryBindAsync("SELECT {eventflow_reset:UInt8}", { eventflow_reset: 0 });
    },
    async formatQuery(sql) {
      // Bound, so the text never becomes SQL; the bound query also resets the parameter map.
      const result = await session.queryBindAsync(
        "SELECT formatQuerySingleLine({eventflow_sql:String})",
        { eventflow_sql: sql },
        { format: "RawBLOB" },
      );
      return result.text();
    },
  };
  return {
    version,
    exclusive(work, opts) {
      if (closed) return Promise.reject(new Error("ClickHouse engine is closed"));
      return lock(() => work(runner), opts);
    },
    async close() {
      if (closed) return;
      closed = true;
      await lock(() => Promise.resolve());
      session.close();
    },
  };
}

/** A mutex as a function: each call runs after every earlier call has settled. */
export function createLock(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return function withLock<T>(work: () => Promise<T>): Promise<T> {
    const run = tail.then(work, work);
    tail = run.catch(() => {});
    return run;
  };
}

/** Options of {@link createQueue}. */
export interface QueueOptions {
  /** Callers that may wait at once (the running one not counted); more are refused. */
  maxQueued: number;
}

/**
 * {@link createLock} with a bounded queue: a caller beyond `maxQueued` is refused with
 * TOO_MANY_SIMULTANEOUS_QUERIES (202), one whose signal aborts while it waits leaves the queue
 * without running, and one that waits longer than `maxWaitMs` gets TIMEOUT_EXCEEDED (159).
 */
export function createQueue(
  opts: QueueOptions,
): <T>(work: () => Promise<T>, wait?: ExclusiveOptions) => Promise<T> {
  const lock = createLock();
  let waiting = 0;
  return function enqueue<T>(work: () => Promise<T>, wait: ExclusiveOptions = {}): Promise<T> {
    if (waiting >= opts.maxQueued) {
      return Promise.reject(
        new ClickHouseException(
          202,
          "TOO_MANY_SIMULTANEOUS_QUERIES",
          `Too many simultaneous queries. Maximum: ${opts.maxQueued}`,
        ),
      );
    }
    waiting++;
    const queuedAt = performance.now();
    // A caller that leaves frees its place at once; its turn, when it comes, is skipped.
    let left = false;
    const leave = () => {
      if (!left) {
        left = true;
        waiting--;
      }
    };
    wait.signal?.addEventListener("abort", leave, { once: true });
    return lock(() => {
      wait.signal?.removeEventListener("abort", leave);
      const abandoned = left;
      leave();
      if (abandoned || wait.signal?.aborted) {
        return Promise.reject(
          new ClickHouseException(
            394,
            "QUERY_WAS_CANCELLED",
            "Query was cancelled: the client left",
          ),
        );
      }
      const waited = performance.now() - queuedAt;
      if (wait.maxWaitMs !== undefined && waited > wait.maxWaitMs) {
        return Promise.reject(
          new ClickHouseException(
            159,
            "TIMEOUT_EXCEEDED",
            `Timeout exceeded: waited ${Math.round(waited)} ms for the engine, maximum: ` +
              `${wait.maxWaitMs} ms (queries run one at a time on this stand-in)`,
          ),
        );
      }
      return work();
    });
  };
}
