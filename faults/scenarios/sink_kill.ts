/**
 * Scenario 4: the supervised sink dies between a ClickHouse insert and the commit of that batch's
 * offsets (its test-only `SINK_FAULT_KILL_AFTER_CLICKHOUSE_INSERTS` flag), under load;
 * `npm start`'s supervisor restarts it, the new sink re-reads the batch, and ClickHouse must
 * still hold each event once after FINAL.
 */
import { withTimeout } from "../../shared/time.ts";
import {
  auditLoad,
  check,
  killedCheck,
  loadFor,
  type Scenario,
  supervisorRestartCheck,
  withPipeline,
} from "../scenario.ts";

/** Scenario 4. */
export const sinkKill: Scenario = {
  name: "4 sink SIGKILL between ClickHouse insert and offset commit, supervisor restarts it",
  tag: "sink",
  run(size, shared) {
    return withPipeline(this.tag, shared, async (pipeline) => {
      const sink = pipeline.supervised("sink");
      // The running sink hands over (SIGTERM from outside, so the supervisor restarts it) to one
      // that will crash after its 2nd insert; the flag is for that start only.
      sink.nextStartEnv({ SINK_FAULT_KILL_AFTER_CLICKHOUSE_INSERTS: "2" });
      const handover = sink.status().restarts + 1;
      Deno.kill(pipeline.current("sink").pid, "SIGTERM");
      const doomed = await sink.waitRestarts(handover);
      const before = { restarts: handover, pid: doomed.pid };
      const load = loadFor(pipeline, size, this.tag);
      const running = load.run(size.loadS);
      const died = await withTimeout(doomed.exited, size.loadS * 1000 + 30_000)
        .catch(() => null);
      if (died !== null) await sink.waitRestarts(handover + 1);
      await running;
      const checks = died === null
        ? [check("sink died by SIGKILL", false, "it was still running after the load")]
        : [killedCheck("sink", died), supervisorRestartCheck(sink, before)];
      return await auditLoad(this, pipeline, load, size, checks);
    });
  },
};
