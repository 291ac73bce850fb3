import assert from "node:assert/strict";
import { ensureJmxAgent, startKafka, stopKafka, waitKafkaReady } from "./mod.ts";
import { waitFor } from "../../shared/process/mod.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("a broker started with the JMX exporter serves the series the dashboards read", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "eventflow_test_kafka_jmx_" });
  const port = freePort();
  const jmxPort = freePort();
  try {
    await startKafka({
      dataDir,
      port,
      controllerPort: freePort(),
      heap: "256m",
      partitions: 1,
      jmxExporter: { port: jmxPort, agentJar: await ensureJmxAgent() },
    });
    await waitKafkaReady(`127.0.0.1:${port}`, 120_000);
    let text = "";
    await waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${jmxPort}/metrics`).catch(() => null);
      text = res?.ok ? await res.text() : "";
      return /^kafka_server_replicamanager_underreplicatedpartitions /m.test(text);
    }, { timeoutMs: 60_000, what: "the broker's /metrics" });
    for (
      const series of [
        "kafka_server_replicamanager_underreplicatedpartitions",
        "kafka_server_replicamanager_partitioncount",
        "kafka_controller_kafkacontroller_offlinepartitionscount",
        "kafka_controller_kafkacontroller_activecontrollercount",
        "kafka_server_replicamanager_isrshrinkspersec_total",
        "kafka_server_brokertopicmetrics_messagesinpersec_total",
        "kafka_server_brokertopicmetrics_bytesinpersec_total",
      ]
    ) {
      assert.match(text, new RegExp(`^${series}(\\{[^}]*\\})? `, "m"), `${series} is exported`);
    }
    // A healthy single node: one active controller, nothing under-replicated or offline.
    assert.match(
      text,
      /^kafka_controller_kafkacontroller_activecontrollercount(\{[^}]*\})? 1\.0$/m,
    );
    assert.match(text, /^kafka_server_replicamanager_underreplicatedpartitions(\{[^}]*\})? 0\.0$/m);
  } finally {
    await stopKafka(dataDir, { timeoutMs: 20_000 });
    await Deno.remove(dataDir, { recursive: true });
  }
});
