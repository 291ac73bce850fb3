/**
 * The embedded ClickHouse engine behind a small interface: the chdb implementation here, a fake
 * in tests. chdb runs one statement at a time per session, so every request takes the engine
 * exclusively for its whole statement sequence (context setup, SQL, cleanup).
 * @module
 */

import { Session } from "chdb";

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
}

/** An engine that serialises work: `exclusive` callbacks never overlap. */
export interface Engine {
  /** Engine version, e.g. "26.7.2.1", as error bodies report it. */
  readonly version: string;
  /** Runs `work` with sole use of the engine. */
  exclusive<T>(work: (runner: EngineRunner) => Promise<T>): Promise<T>;
  /** Waits for running work, then releases the engine. Idempotent. */
  close(): Promise<void>;
}

/** Options for {@link openChdbEngine}. */
export interface ChdbEngineOptions {
  /** Extra `clickhouse local` style flags; defaults match clickhouse-server's behaviour. */
  connectionArgs?: string[];
}

// clickhouse-local enables implicit SELECT ("1+1" runs); clickhouse-server does not. Databases are
// loaded before the first request so a table created before a restart is there at once.
const DEFAULT_ARGS = ["--implicit_select=0", "--async_load_databases=0"];

/** Opens (creating if needed) a persistent chdb engine on `dataDir`. */
export function openChdbEngine(dataDir: string, options: ChdbEngineOptions = {}): Engine {
  const session = new Session(dataDir, { connectionArgs: options.connectionArgs ?? DEFAULT_ARGS });
  const version = session.query("SELECT version()", "TabSeparated").trim();
  const lock = createLock();
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
  };
  return {
    version,
    exclusive(work) {
      if (closed) return Promise.reject(new Error("ClickHouse engine is closed"));
      return lock(() => work(runner));
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
