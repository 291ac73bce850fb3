/**
 * The fault suite's scenario lists and how they run: the scenarios on the stack's broker share
 * one pipeline (each auditing its own ids), while scenarios needing a pipeline of their own (own
 * brokers, proxied stores) run one after another beside them. A scenario that throws becomes a failed row, so one broken scenario never hides the rest.
 */
import { type ScenarioResult, scenarioResult } from "./compare.ts";
import { type Scenario, type ScenarioSize, SUPERVISED } from "./scenario.ts";
import { enrichKill } from "./scenarios/enrich_kill.ts";
import { kafkaKill } from "./scenarios/kafka_kill.ts";
import { poison } from "./scenarios/poison.ts";
import { sigterm } from "./scenarios/sigterm.ts";
import { sinkKill } from "./scenarios/sink_kill.ts";
import { type FaultPipeline, startFaultPipeline } from "./testing/pipeline.ts";
import { kafkaClusterKill } from "./scenarios/kafka_cluster.ts";
import { scaleOutAndBack } from "./scenarios/scale.ts";
import { soak } from "./scenarios/soak.ts";
import { storeOutage } from "./scenarios/store_outage.ts";

/** Scenarios sharing one pipeline on the stack's broker, and those needing their own. */
export interface SuitePlan {
  shared: Scenario[];
  ownPipelines: Scenario[];
}

/** The short form inside `npm test`: scenarios 1, 3, 4, 8, 10 (SIGTERM last: it restarts all). */
export const SHORT_PLAN: SuitePlan = {
  shared: [enrichKill, sinkKill, poison, sigterm],
  ownPipelines: [kafkaKill],
};

/** The full suite (`npm run faults`): all eleven scenarios of issue 15. */
export const FULL_PLAN: SuitePlan = {
  shared: [enrichKill, sinkKill, poison, scaleOutAndBack, sigterm, soak(10)],
  ownPipelines: [
    kafkaKill,
    kafkaClusterKill,
    storeOutage(5, "clickhouse"),
    storeOutage(6, "postgres"),
    storeOutage(7, "redis"),
  ],
};

/** `plan` keeping only the scenarios numbered in `numbers` (all when empty). */
export function onlyScenarios(plan: SuitePlan, numbers: readonly number[]): SuitePlan {
  if (numbers.length === 0) return plan;
  const keep = (s: Scenario) => numbers.includes(parseInt(s.name));
  return { shared: plan.shared.filter(keep), ownPipelines: plan.ownPipelines.filter(keep) };
}

async function guarded(scenario: Scenario, run: () => Promise<ScenarioResult>) {
  try {
    return await run();
  } catch (error) {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return scenarioResult(scenario.name, [], {
      catchUpMs: null,
      checks: [{ name: "scenario ran to the end", ok: false, detail: detail.slice(0, 2000) }],
    });
  }
}

/** Runs `plan` at `size`; `onResult` sees each row as it is done. Results in scenario order. */
export async function runPlan(
  plan: SuitePlan,
  size: ScenarioSize,
  onResult: (result: ScenarioResult) => void = () => {},
): Promise<ScenarioResult[]> {
  const own = (async () => {
    const out: ScenarioResult[] = [];
    for (const scenario of plan.ownPipelines) {
      const result = await guarded(scenario, () => scenario.run(size));
      onResult(result);
      out.push(result);
    }
    return out;
  })();
  const shared = (async () => {
    if (plan.shared.length === 0) return [];
    const out: ScenarioResult[] = [];
    let pipeline: FaultPipeline;
    try {
      pipeline = await startFaultPipeline({ name: "suite", supervised: SUPERVISED });
    } catch (error) {
      // Every scenario of the track fails, each saying why, instead of the whole run.
      for (const scenario of plan.shared) {
        out.push(await guarded(scenario, () => Promise.reject(error)));
      }
      out.forEach((r) => onResult(r));
      return out;
    }
    await using _ = pipeline;
    for (const scenario of plan.shared) {
      const result = await guarded(scenario, () => scenario.run(size, pipeline));
      onResult(result);
      out.push(result);
    }
    return out;
  })();
  const results = [...await own, ...await shared];
  return results.sort((a, b) => parseInt(a.scenario) - parseInt(b.scenario));
}
