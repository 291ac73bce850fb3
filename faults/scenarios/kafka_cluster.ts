/**
 * Scenario 2: a local 3-broker KRaft cluster (replication 3, min.insync.replicas 2) of its own;
 * one broker SIGKILLed mid-stream: writes continue on the other two (acks=all still met), the
 * broker returns on its data and catches up, and nothing acknowledged is lost or doubled.
 */
import { startKafkaCluster } from "../../infra/kafka/cluster.ts";
import { sleep } from "../../shared/time.ts";
import { auditLoad, check, loadFor, type Scenario } from "../scenario.ts";
import { startFaultPipeline } from "../testing/pipeline.ts";

/** Scenario 2. */
export const kafkaClusterKill: Scenario = {
  name: "2 3-broker cluster, one broker SIGKILL + back",
  tag: "cluster",
  async run(size) {
    await using cluster = await startKafkaCluster({ nodes: 3 });
    await using pipeline = await startFaultPipeline({ name: this.tag, brokers: cluster.bootstrap });
    const load = loadFor(pipeline, size, this.tag);
    const running = load.run(size.loadS);
    await sleep((size.loadS * 1000) / 4);
    const atKill = { ...load.ledger.answers };
    await cluster.node(2).kill();
    await sleep((size.loadS * 1000) / 3);
    const whileDown = { ...load.ledger.answers };
    await cluster.node(2).start();
    await running;
    const acceptedWhileDown = whileDown.ok - atKill.ok;
    const checks = [
      check(
        "writes continued with one broker of three down",
        acceptedWhileDown > 0,
        `${acceptedWhileDown} × 2xx, ${
          whileDown.unavailable - atKill.unavailable
        } × 503 while down`,
      ),
      check("the killed broker runs again", cluster.node(2).running(), "node 2"),
    ];
    return await auditLoad(this, pipeline, load, size, checks);
  },
};
