/** Stack component: the single-node KRaft broker of infra/kafka, plus the pipeline's topics. */
import {
  ensureJmxAgent,
  ensureTopics,
  readLivePid,
  startKafka,
  stopKafka,
  waitKafkaReady,
} from "./mod.ts";
import { type Component, componentStatus } from "../stack/component.ts";
import type { StackConfig } from "../stack/config.ts";
import { tcpOpen } from "../../shared/process/mod.ts";

/** Kafka as a stack component: reuses a broker already listening, else starts one. */
export function kafkaComponent(config: StackConfig): Component {
  const dataDir = `${config.dir}/kafka`;
  const log = `${dataDir}/kafka.log`;
  const { host, port, bootstrap, partitions, heap } = config.kafka;
  // Creates missing topics and brings raw_events' retention to TOPIC_RAW_RETENTION_HOURS.
  const topics = () => ensureTopics(bootstrap, config.topicSpecs);
  return {
    name: "kafka",
    log,
    async up() {
      const owned = await readLivePid(dataDir);
      if (owned === null && await tcpOpen(host, port)) {
        await waitKafkaReady(bootstrap, 30_000);
        await topics();
        return false;
      }
      await startKafka({
        dataDir,
        port,
        logFile: log,
        heap,
        partitions,
        jmxExporter: { port: config.kafka.jmxPort, agentJar: await ensureJmxAgent() },
      });
      // A JVM cold start plus KRaft election takes 5-20 s on two cores.
      await waitKafkaReady(bootstrap, 120_000);
      await topics();
      return owned === null;
    },
    async down() {
      if (await readLivePid(dataDir) === null) return false;
      await stopKafka(dataDir, { timeoutMs: 30_000 });
      return true;
    },
    async status() {
      const pid = await readLivePid(dataDir);
      const open = await tcpOpen(host, port);
      return componentStatus("kafka", { up: open, pid, url: bootstrap, log });
    },
  };
}
