/**
 * Scenario 3: the supervised enrich SIGKILLed mid-batch under load; `npm start`'s supervisor
 * restarts it and it resumes from its committed offsets.
 */
import { sleep } from "../../shared/time.ts";
import {
  auditLoad,
  killedCheck,
  loadFor,
  type Scenario,
  supervisorRestartCheck,
  withPipeline,
} from "../scenario.ts";

/** Scenario 3. */
export const enrichKill: Scenario = {
  name: "3 enrich SIGKILL mid-batch, supervisor restarts it",
  tag: "enrich",
  run(size, shared) {
    return withPipeline(this.tag, shared, async (pipeline) => {
      const enrich = pipeline.supervised("enrich");
      const load = loadFor(pipeline, size, this.tag);
      const running = load.run(size.loadS);
      await sleep((size.loadS * 1000) / 3);
      const victim = pipeline.current("enrich");
      const before = { restarts: enrich.status().restarts, pid: victim.pid };
      const killed = await victim.kill();
      await enrich.waitRestarts(before.restarts + 1);
      await running;
      return await auditLoad(this, pipeline, load, size, [
        killedCheck("enrich", killed),
        supervisorRestartCheck(enrich, before),
      ]);
    });
  },
};
