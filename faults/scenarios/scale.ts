/**
 * Scenario 9: a second enrich and a second sink join their consumer groups mid-load and leave
 * again (two rebalances each way); no stall beyond the session timeout, nothing lost or doubled.
 * Also the proof that enrich and sink scale out as consumer-group replicas.
 */
import { sleep } from "../../shared/time.ts";
import { auditLoad, check, loadFor, type Scenario, withPipeline } from "../scenario.ts";

/** Scenario 9. */
export const scaleOutAndBack: Scenario = {
  name: "9 second enrich and sink join and leave",
  tag: "scale",
  run(size, shared) {
    return withPipeline(this.tag, shared, async (pipeline) => {
      const load = loadFor(pipeline, size, this.tag);
      const running = load.run(size.loadS);
      await sleep((size.loadS * 1000) / 5);
      const [enrich2, sink2] = await Promise.all([
        pipeline.start("enrich"),
        pipeline.start("sink"),
      ]);
      await sleep((size.loadS * 1000) / 3);
      // A member that got partitions did work: its own counters say so.
      const owned = await Promise.all([
        counter(enrich2.url, "eventflow_enrich_consumed_total"),
        counter(sink2.url, "eventflow_sink_rows_written_total"),
      ]);
      const exits = await Promise.all([enrich2.stop(), sink2.stop()]);
      await running;
      const checks = [
        check(
          "the second enrich and sink got partitions and did work",
          owned.every((n) => n > 0),
          `enrich consumed ${owned[0]}, sink wrote ${owned[1]} rows`,
        ),
        check(
          "both left with exit 0",
          exits.every((s) => s.code === 0),
          JSON.stringify(exits.map((s) => s.code)),
        ),
      ];
      return await auditLoad(this, pipeline, load, size, checks);
    });
  },
};

/** Sum of every series of `metric` on a service's `/metrics` (0 when it does not answer). */
async function counter(url: string, metric: string): Promise<number> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text()).catch(() => "");
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${metric}(?:\\{[^}]*\\})? (\\S+)$`, "gm"))) {
    sum += Number(m[1]);
  }
  return sum;
}
