/**
 * Scenario 10: SIGTERM to every service at once under load. Each drains its in-flight work,
 * commits and exits 0 within 15 s; the restarted pipeline continues from the committed offsets
 * and nothing acknowledged is lost or doubled.
 */
import { sleep } from "../../shared/time.ts";
import { auditLoad, check, loadFor, type Scenario, withPipeline } from "../scenario.ts";
import type { ServiceName } from "../testing/pipeline.ts";

/** Longest a service may take to exit after SIGTERM (issue 15). */
export const EXIT_WITHIN_MS = 15_000;

/** Scenario 10. */
export const sigterm: Scenario = {
  name: "10 SIGTERM to every service under load + restart",
  tag: "sigterm",
  run(size, shared) {
    return withPipeline(this.tag, shared, async (pipeline) => {
      const load = loadFor(pipeline, size, this.tag);
      const first = load.run(size.loadS / 2);
      await sleep((size.loadS * 1000) / 4);
      const names: ServiceName[] = ["ingest", "enrich", "sink"];
      const exits = await Promise.all(names.map(async (name) => {
        const started = performance.now();
        const status = await pipeline.current(name).stop();
        return { name, status, ms: performance.now() - started };
      }));
      await first;
      await Promise.all(names.map((name) => pipeline.start(name)));
      await load.run(size.loadS / 2);
      const checks = exits.map(({ name, status, ms }) =>
        check(
          `${name} exits 0 within ${EXIT_WITHIN_MS / 1000} s of SIGTERM`,
          status.code === 0 && ms <= EXIT_WITHIN_MS,
          `exit ${status.code}${status.signal ? ` (${status.signal})` : ""} after ${
            (ms / 1000).toFixed(1)
          } s`,
        )
      );
      return await auditLoad(this, pipeline, load, size, checks);
    });
  },
};
