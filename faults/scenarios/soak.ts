/**
 * Scenario 11: a long run at half the suite's rate: every service's memory stays flat, consumer
 * lag stays bounded, and the audit passes.
 */
import { flat } from "../growth.ts";
import { auditLoad, check, loadFor, type Scenario, withPipeline } from "../scenario.ts";
import type { ServiceName } from "../testing/pipeline.ts";
import { consumerLag, rssMiB, sampleEvery } from "../testing/sampler.ts";

/** Scenario 11: `minutes` of load at half `size.rate`. */
export function soak(minutes = 10): Scenario {
  return {
    name: `11 soak ${minutes} min at half rate`,
    tag: "soak",
    run(size, shared) {
      return withPipeline(this.tag, shared, async (pipeline) => {
        const half = { ...size, rate: Math.max(1, Math.floor(size.rate / 2)) };
        const load = loadFor(pipeline, half, this.tag);
        const names: ServiceName[] = ["ingest", "enrich", "sink"];
        const pids = names.map((n) => pipeline.current(n).pid);
        const sampler = sampleEvery(10_000, async () => ({
          rss: await Promise.all(pids.map(rssMiB)),
          lag: ((await consumerLag(`${pipeline.current("enrich").url}/metrics`)) ?? 0) +
            ((await consumerLag(`${pipeline.current("sink").url}/metrics`)) ?? 0),
        }));
        await load.run(minutes * 60);
        const samples = await sampler.stop();
        // The first minute is warm-up (JIT, caches, connection pools).
        const steady = samples.slice(6);
        const window = Math.max(1, Math.floor(steady.length / 5));
        const lagLimit = half.rate * 30;
        const maxLag = Math.max(0, ...samples.map((s) => s.lag));
        const checks = names.map((name, i) => {
          const verdict = flat(steady.map((s) => s.rss[i] ?? 0), { window, slack: 40 });
          return check(
            `${name} memory flat`,
            verdict.ok,
            `${verdict.head.toFixed(0)} MiB after warm-up, ${
              verdict.tail.toFixed(0)
            } MiB at the end`,
          );
        });
        checks.push(check(
          `consumer lag bounded (≤ ${lagLimit}, 30 s of load)`,
          maxLag <= lagLimit,
          `max ${maxLag} over ${samples.length} samples`,
        ));
        return await auditLoad(this, pipeline, load, half, checks);
      });
    },
  };
}
