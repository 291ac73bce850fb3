/**
 * Scenario 1: the only Kafka broker SIGKILLed under load and restarted on its data. While it is
 * down ingest answers 503 (never a 2xx for an event Kafka did not take); after it returns the
 * pipeline accepts and delivers again. Runs on a broker of its own, never the stack's.
 */
import { startKafkaCluster } from "../../infra/kafka/cluster.ts";
import { waitKafkaReady } from "../../infra/kafka/ready.ts";
import { httpOk } from "../../shared/process/mod.ts";
import { waitFor } from "../../shared/testing/stores.ts";
import { sleep } from "../../shared/time.ts";
import { auditLoad, check, loadFor, type Scenario } from "../scenario.ts";
import { startFaultPipeline } from "../testing/pipeline.ts";

/** Scenario 1. */
export const kafkaKill: Scenario = {
  name: "1 Kafka broker SIGKILL + restart",
  tag: "kafka",
  async run(size) {
    await using cluster = await startKafkaCluster({ nodes: 1 });
    await using pipeline = await startFaultPipeline({ name: this.tag, brokers: cluster.bootstrap });
    const load = loadFor(pipeline, size, this.tag);
    // Warm-up until ingest's producer wrote once (a loaded machine needs a while for the first).
    for (let i = 0; i < 30 && load.ledger.answers.ok === 0; i++) await load.run(2);
    // Phase 1: load; the broker dies a third of the way in; the load runs on into the outage.
    const during = load.run(size.loadS / 2);
    await sleep((size.loadS * 1000) / 6);
    const okBefore = load.ledger.answers.ok;
    await cluster.node(1).kill();
    await during;
    const outage = { ...load.ledger.answers };
    await cluster.node(1).start();
    await waitKafkaReady(cluster.bootstrap, 120_000);
    const ingest = pipeline.current("ingest");
    // Best effort: phase 2's own check says whether ingest accepts again.
    await waitFor(() => httpOk(`${ingest.opsUrl}/readyz`), {
      timeoutMs: 60_000,
      message: "ingest ready again after the broker returned",
    }).catch(() => {});
    // Phase 2: after the broker is back, until ingest accepted again (clients retry on 503).
    for (let i = 0; i < 12; i++) {
      await load.run(size.loadS / 2);
      if (load.ledger.answers.ok > outage.ok) break;
    }
    const after = load.ledger.answers.ok - outage.ok;
    const checks = [
      check(
        "ingest answered 503 while the broker was down",
        outage.unavailable > 0,
        `${outage.unavailable} × 503, ${outage.noAnswer} unanswered, ${
          outage.ok - okBefore
        } × 2xx around the kill`,
      ),
      check(
        "ingest accepted events again after the broker returned",
        after > 0,
        `${after} × 2xx after the restart`,
      ),
    ];
    return await auditLoad(this, pipeline, load, size, checks);
  },
};
