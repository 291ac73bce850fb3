/**
 * Scenario 4: the sink dies between a ClickHouse insert and the commit of that batch's offsets
 * (its test-only `SINK_FAULT_KILL_AFTER_CLICKHOUSE_INSERTS` flag), under load; a restarted sink
 * re-reads the batch, and ClickHouse must still hold each event once after FINAL.
 */
import { sleep, withTimeout } from "../../shared/time.ts";
import {
  auditLoad,
  check,
  killedCheck,
  loadFor,
  type Scenario,
  withPipeline,
} from "../scenario.ts";

/** Scenario 4. */
export const sinkKill: Scenario = {
  name: "4 sink SIGKILL between ClickHouse insert and offset commit",
  tag: "sink",
  run(size, shared) {
    return withPipeline(this.tag, shared, async (pipeline) => {
      // The running sink hands over to one that will crash after its 2nd insert.
      await pipeline.current("sink").stop();
      const doomed = await pipeline.start("sink", {
        SINK_FAULT_KILL_AFTER_CLICKHOUSE_INSERTS: "2",
      });
      const load = loadFor(pipeline, size, this.tag);
      const running = load.run(size.loadS);
      const died = await withTimeout(doomed.exited, size.loadS * 1000 + 30_000)
        .catch(() => null);
      await sleep(500);
      await pipeline.start("sink");
      await running;
      const checks = [
        died === null
          ? check("sink died by SIGKILL", false, "it was still running after the load")
          : killedCheck("sink", died),
      ];
      return await auditLoad(this, pipeline, load, size, checks);
    });
  },
};
