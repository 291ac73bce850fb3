/**
 * The pipeline a fault scenario runs against: real ingest, enrich and sink processes on the
 * scenario's own topics, consumer groups, write key and id prefix, against the test stores and
 * either the stack's broker or a cluster the scenario started itself. Services can be killed,
 * restarted, added and stopped one by one; disposing stops them all and deletes what the
 * scenario wrote.
 */
import { createSourceStore } from "../../ingest/adapters/sources.ts";
import { hashWriteKey } from "../../ingest/core/write_key.ts";
import { ensureTopics } from "../../infra/kafka/ready.ts";
import { deleteTestRedisKeys } from "../../shared/testing/redis.ts";
import { testTopics } from "../../shared/testing/kafka.ts";
import {
  serviceEntry,
  type ServiceProcess,
  startService,
  waitReadyz,
} from "../../shared/testing/service_process.ts";
import { TEST_ENV, testStores, waitFor } from "../../shared/testing/stores.ts";

/** Longest wait for a service's `/readyz` 200. */
const READY_TIMEOUT_MS = 120_000;
import { retry } from "../../shared/retry.ts";
import { freePort, spawnChild } from "../../shared/process/mod.ts";
import { supervise, type Supervisor } from "../../infra/stack/supervisor.ts";
import type { ServiceStatus } from "../../infra/stack/supervisor_status.ts";

/** The three services of the write path. */
export type ServiceName = "ingest" | "enrich" | "sink";

/**
 * Kind of the scenario's write key. Business events reach PostgreSQL only from server-kind keys
 * (docs/security.md §4), and the audit checks PostgreSQL, so scenarios use a server key.
 */
export type SourceKind = "public" | "server";

/** The kind fault scenarios use. */
export const FAULT_SOURCE_KIND: SourceKind = "server";

/** Options of {@link startFaultPipeline}. */
export interface FaultPipelineOptions {
  /** Short scenario name, part of the prefix (`test_flt_<name>_<random>_`). */
  name: string;
  /** Kafka bootstrap (default the stack's); a scenario that kills brokers passes its own. */
  brokers?: string;
  /** Kind of the write key (default {@link FAULT_SOURCE_KIND}). */
  sourceKind?: SourceKind;
  /** Partitions per topic (default 3). */
  partitions?: number;
  /** Extra environment per service (e.g. a store's address behind a proxy). */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /**
   * Services whose first instance runs under `supervise()` with the default restart policy
   * (default none): a crash or an outside signal is restarted by the supervisor on the same
   * port; `stop()` of such an instance is a requested stop (the supervisor restarts nothing).
   */
  supervised?: ServiceName[];
}

/** A service the pipeline runs under the supervisor. */
export interface SupervisedService {
  readonly supervisor: Supervisor;
  /** Its supervisor status: pid, restarts, last exit. */
  status(): ServiceStatus;
  /** Extra environment for the next (re)start only, e.g. a test-only fault flag. */
  nextStartEnv(env: Record<string, string>): void;
  /** Waits until its restart counter reaches `restarts` and its `/readyz` answers 200. */
  waitRestarts(restarts: number, timeoutMs?: number): Promise<ServiceProcess>;
}

/** What a scenario gets. */
export interface FaultPipeline extends AsyncDisposable {
  /** Every id the scenario writes starts with it. */
  readonly prefix: string;
  readonly brokers: string;
  readonly topics: { raw: string; enriched: string; dlq: string };
  readonly writeKey: string;
  readonly stores: Awaited<ReturnType<typeof testStores>>;
  /** Every process started so far per service, in start order (dead ones included). */
  readonly processes: Record<ServiceName, ServiceProcess[]>;
  /** The newest running instance of `name`; throws when none runs. */
  current(name: ServiceName): ServiceProcess;
  /** Where the newest ingest listens (refusing connections while it is stopped). */
  ingestUrl(): string;
  /** Starts one more instance of `name` (same groups: it joins them) and waits until ready. */
  start(name: ServiceName, env?: Record<string, string>): Promise<ServiceProcess>;
  /** The supervision of `name`; throws unless the pipeline was started with it supervised. */
  supervised(name: ServiceName): SupervisedService;
}

/** Creates topics, a source and the services; rejects (after cleaning up) when any part fails. */
export async function startFaultPipeline(
  opts: FaultPipelineOptions,
): Promise<FaultPipeline> {
  const prefix = `test_flt_${opts.name}_${crypto.randomUUID().replaceAll("-", "").slice(0, 6)}_`;
  const topics = { raw: `${prefix}raw`, enriched: `${prefix}enriched`, dlq: `${prefix}dlq` };
  const brokers = opts.brokers ?? TEST_ENV.KAFKA_BROKERS;
  const processes: Record<ServiceName, ServiceProcess[]> = { ingest: [], enrich: [], sink: [] };
  const cleanups: (() => PromiseLike<unknown>)[] = [];
  const supervision = new Map<ServiceName, SupervisedService>();
  const teardown = async () => {
    await Promise.allSettled([...supervision.values()].map((s) => s.supervisor.stop()));
    const all = Object.values(processes).flat();
    await Promise.allSettled(all.map((p) => p.stop()));
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    // Migrations run first; a ClickHouse busy with other suites may time one out.
    const stores = await retry(() => testStores(prefix), {
      attempts: 4,
      backoff: { baseMs: 2000, maxMs: 10_000 },
    });
    cleanups.push(() => stores[Symbol.asyncDispose]());
    cleanups.push(() => deleteTestRedisKeys(prefix));
    const partitions = opts.partitions ?? 3;
    if (opts.brokers === undefined) {
      const owned = await testTopics(Object.values(topics), { partitions });
      cleanups.push(() => owned[Symbol.asyncDispose]());
    } else {
      // The scenario's own cluster: its topics go with it.
      await ensureTopics(brokers, Object.values(topics).map((name) => ({ name, partitions })));
    }
    const sourceId = `${prefix}src`;
    const writeKey = `wk_${crypto.randomUUID().replaceAll("-", "")}`;
    // platform = prefix so that the ClickHouse rollup rows can be deleted by platform.
    await createSourceStore(stores.sql).create({
      sourceId,
      name: `fault scenario ${opts.name}`,
      platform: prefix,
      kind: opts.sourceKind ?? FAULT_SOURCE_KIND,
      hash: await hashWriteKey(writeKey),
    });
    cleanups.push(() => stores.sql`DELETE FROM sources WHERE source_id = ${sourceId}`);

    const common = {
      DATABASE_URL: TEST_ENV.DATABASE_URL,
      CLICKHOUSE_URL: TEST_ENV.CLICKHOUSE_URL,
      CLICKHOUSE_DATABASE: TEST_ENV.CLICKHOUSE_DATABASE,
      CLICKHOUSE_USER: TEST_ENV.CLICKHOUSE_USER,
      CLICKHOUSE_PASSWORD: TEST_ENV.CLICKHOUSE_PASSWORD,
      KAFKA_BROKERS: brokers,
      REDIS_URL: TEST_ENV.REDIS_URL,
      TOPIC_RAW: topics.raw,
      TOPIC_ENRICHED: topics.enriched,
      TOPIC_DEAD_LETTER: topics.dlq,
      LOG_LEVEL: "warn",
    };
    const base: Record<ServiceName, Record<string, string>> = {
      ingest: {
        ...common,
        INGEST_RATE_LIMIT_PREFIX: `${prefix}rl`,
        INGEST_ENSURE_TOPIC: "false",
        INGEST_KAFKA_TIMEOUT_MS: "3000",
        INGEST_RETRY_AFTER_SECONDS: "1",
        ...opts.env?.ingest,
      },
      enrich: {
        ...common,
        CONSUMER_GROUP: `${prefix}enrich`,
        REDIS_KEY_PREFIX: `${prefix}ef:`,
        LAG_INTERVAL_MS: "1000",
        ...opts.env?.enrich,
      },
      sink: {
        ...common,
        SINK_CLICKHOUSE_GROUP: `${prefix}sink_ch`,
        SINK_POSTGRES_GROUP: `${prefix}sink_pg`,
        SINK_FLUSH_MS: "200",
        SINK_BATCH_SIZE: "500",
        SINK_MAX_BUFFERED: "2000",
        SINK_RETRY_MAX_MS: "2000",
        ...opts.env?.sink,
      },
    };
    const start = async (name: ServiceName, env: Record<string, string> = {}) => {
      const service = await startService(serviceEntry(name), {
        env: { ...base[name], ...env },
        timeoutMs: 120_000,
      });
      processes[name].push(service);
      await waitReadyz(service, name, READY_TIMEOUT_MS);
      return service;
    };
    const current = (name: ServiceName) => {
      const running = processes[name].filter((p) => p.status() === null);
      const last = running.at(-1);
      if (last === undefined) throw new Error(`No ${name} process is running`);
      return last;
    };
    const startSupervised = async (name: ServiceName) => {
      const port = freePort();
      const url = `http://127.0.0.1:${port}`;
      let once: Record<string, string> = {};
      const unit = {
        name,
        start: () => {
          const env = { ...base[name], ...once, PORT: String(port), OPS_PORT: String(freePort()) };
          once = {};
          const child = spawnChild(Deno.execPath(), {
            name: serviceEntry(name),
            args: ["run", "-A", serviceEntry(name)],
            env,
            stderrOnly: true,
          });
          processes[name].push({
            port,
            url,
            opsUrl: `http://127.0.0.1:${env.OPS_PORT}`,
            pid: child.pid,
            exited: child.exited,
            status: () => child.status(),
            log: () => child.output(),
            // Asked for: the supervisor stops it and restarts nothing.
            stop: () => supervisor.stop().then(() => child.exited),
            kill: () => child.kill(),
            [Symbol.asyncDispose]: () => supervisor.stop(),
          });
          return child;
        },
      };
      const log: string[] = [];
      const supervisor = supervise([unit], { graceMs: 60_000, log: (line) => log.push(line) });
      const status = () => supervisor.status().services[0]!;
      const waitRestarts = async (restarts: number, timeoutMs = 120_000) => {
        await waitFor(() => Promise.resolve(status().restarts >= restarts), {
          timeoutMs,
          message: `${name} restarted by the supervisor ${restarts} times (log: ${log.join("; ")})`,
        });
        const service = current(name);
        await waitReadyz(service, name, READY_TIMEOUT_MS);
        return service;
      };
      supervision.set(name, {
        supervisor,
        status,
        nextStartEnv: (env) => (once = env),
        waitRestarts,
      });
      await waitRestarts(0);
    };
    await Promise.all(
      (["ingest", "enrich", "sink"] as const).map((name) =>
        opts.supervised?.includes(name) ? startSupervised(name) : start(name)
      ),
    );
    return {
      prefix,
      brokers,
      topics,
      writeKey,
      stores,
      processes,
      current,
      ingestUrl: () => processes.ingest.at(-1)!.url,
      start,
      supervised: (name) => {
        const found = supervision.get(name);
        if (found === undefined) throw new Error(`${name} does not run under the supervisor`);
        return found;
      },
      [Symbol.asyncDispose]: teardown,
    };
  } catch (error) {
    await teardown().catch(() => {});
    throw error;
  }
}
