/**
 * Scenarios 5, 6 and 7: ClickHouse, PostgreSQL or Redis unreachable for a while under load,
 * through a TCP proxy of shared/testing in front of the stack's store (the store itself keeps
 * running for everyone else). Each service degrades as documented, its memory stays bounded, and
 * once the store is back every acknowledged event is stored.
 */
import { startTcpProxy } from "../../shared/testing/tcp_proxy.ts";
import { TEST_ENV } from "../../shared/testing/stores.ts";
import { sleep } from "../../shared/time.ts";
import { bounded } from "../growth.ts";
import { auditLoad, check, loadFor, type Scenario, type ScenarioSize } from "../scenario.ts";
import { type ServiceName, startFaultPipeline } from "../testing/pipeline.ts";
import { rssMiB, sampleEvery } from "../testing/sampler.ts";

/** A store the scenarios cut. */
export type StoreName = "clickhouse" | "postgres" | "redis";

const URL_VARIABLE = {
  clickhouse: "CLICKHOUSE_URL",
  postgres: "DATABASE_URL",
  redis: "REDIS_URL",
} as const;

/** The services that talk to each store (each gets the proxied address). */
const USERS: Record<StoreName, ServiceName[]> = {
  clickhouse: ["sink"],
  postgres: ["ingest", "enrich", "sink"],
  redis: ["ingest", "enrich", "sink"],
};

/** `url` with its host and port replaced by `127.0.0.1:<port>`. */
export function viaProxy(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = "127.0.0.1";
  u.port = String(port);
  return u.toString();
}

/** Scenario 5, 6 or 7: `store` unreachable for `outageS` seconds. */
export function storeOutage(number: number, store: StoreName, outageS = 30): Scenario {
  return {
    name: `${number} ${store} down ${outageS} s`,
    tag: store.slice(0, 2) + "out",
    async run(size: ScenarioSize) {
      const target = new URL(TEST_ENV[URL_VARIABLE[store]]);
      await using proxy = startTcpProxy({
        hostname: target.hostname,
        port: Number(target.port),
      });
      const env = { [URL_VARIABLE[store]]: viaProxy(target.toString(), proxy.port) };
      await using pipeline = await startFaultPipeline({
        name: this.tag,
        env: Object.fromEntries(USERS[store].map((s) => [s, env])),
      });
      const services = (["ingest", "enrich", "sink"] as const).map((name) => ({
        name,
        pid: pipeline.current(name).pid,
      }));
      const memory = () => Promise.all(services.map((s) => rssMiB(s.pid)));
      const load = loadFor(pipeline, size, this.tag);
      const running = load.run(size.loadS + outageS);
      await sleep((size.loadS * 1000) / 4);
      const before = await memory();
      const sampler = sampleEvery(1000, memory);
      await proxy.pause();
      await sleep(outageS * 1000);
      proxy.resume();
      await running;
      const samples = await sampler.stop();
      const checks = services.map((s, i) => {
        const verdict = bounded(before[i] ?? 0, samples.map((row) => row[i] ?? 0), {
          factor: 1.5,
          slack: 150,
        });
        return check(
          `${s.name} memory bounded while ${store} was down`,
          verdict.ok,
          `${(before[i] ?? 0).toFixed(0)} MiB before, peak ${verdict.peak.toFixed(0)} MiB (limit ${
            verdict.limit.toFixed(0)
          })`,
        );
      });
      checks.push(check(
        `the proxy carried the services' ${store} traffic`,
        proxy.accepted > 0,
        `${proxy.accepted} connections`,
      ));
      return await auditLoad(this, pipeline, load, size, checks);
    },
  };
}
