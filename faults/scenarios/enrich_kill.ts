/** Scenario 3: enrich SIGKILLed mid-batch under load, then restarted from its committed offsets. */
import { sleep } from "../../shared/time.ts";
import { auditLoad, killedCheck, loadFor, type Scenario, withPipeline } from "../scenario.ts";

/** Scenario 3. */
export const enrichKill: Scenario = {
  name: "3 enrich SIGKILL mid-batch + restart",
  tag: "enrich",
  run(size, shared) {
    return withPipeline(this.tag, shared, async (pipeline) => {
      const load = loadFor(pipeline, size, this.tag);
      const running = load.run(size.loadS);
      await sleep((size.loadS * 1000) / 3);
      const killed = await pipeline.current("enrich").kill();
      await sleep(1000);
      await pipeline.start("enrich");
      await running;
      return await auditLoad(this, pipeline, load, size, [killedCheck("enrich", killed)]);
    });
  },
};
