/**
 * Scenario 8: unparseable and schema-breaking messages written straight into `raw_events` and
 * `enriched_events` (one per partition key) mid-load: each is dead-lettered with its stage and
 * reason, and every good event around them still arrives.
 */
import { createProducer } from "../../shared/kafka/mod.ts";
import { sleep } from "../../shared/time.ts";
import { auditLoad, check, loadFor, type Scenario, withPipeline } from "../scenario.ts";
import { readDeadLetters } from "../testing/dead_letters.ts";

/** Scenario 8. */
export const poison: Scenario = {
  name: "8 poison messages in raw_events and enriched_events",
  tag: "poison",
  run(size, shared) {
    return withPipeline(this.tag, shared, async (pipeline) => {
      const load = loadFor(pipeline, size, this.tag);
      const running = load.run(size.loadS);
      await sleep((size.loadS * 1000) / 3);
      const marker = `${load.prefix}poison`;
      const raw = Array.from({ length: 6 }, (_, i) => ({
        key: `${marker}_${i}`,
        value: `{"event_id":"${marker}_raw_${i}","type":`,
      }));
      const enriched = Array.from({ length: 6 }, (_, i) => ({
        key: `${marker}_${i}`,
        value: JSON.stringify({ event_id: `${marker}_enriched_${i}`, schema_version: "nope" }),
      }));
      const producer = await createProducer({
        brokers: pipeline.brokers.split(","),
        clientId: "fault-poison",
      });
      try {
        await producer.send(pipeline.topics.raw, raw);
        await producer.send(pipeline.topics.enriched, enriched);
      } finally {
        await producer.close();
      }
      await running;
      // The dead letters are read once the stores caught up: by then every lane passed them.
      return await auditLoad(this, pipeline, load, size, [], async () => {
        const records = await readDeadLetters(
          pipeline,
          (rs) => rs.filter((r) => String(r.payload).includes(marker)).length >= 12,
          {
            timeoutMs: 60_000,
          },
        ).catch((e) => e as Error);
        return records instanceof Error
          ? [check("12 poison messages dead-lettered", false, records.message.slice(0, 500))]
          : poisonChecks(records.filter((r) => String(r.payload).includes(marker)), marker);
      });
    });
  },
};

function poisonChecks(records: Record<string, unknown>[], marker: string) {
  const of = (kind: string) =>
    records.filter((r) => String(r.payload).includes(`${marker}_${kind}`));
  const describe = (rs: Record<string, unknown>[]) =>
    JSON.stringify([...new Set(rs.map((r) => `${r.stage}/${r.reason}`))]);
  const raw = of("raw");
  const enriched = of("enriched");
  return [
    check(
      "each raw_events poison message dead-lettered once by enrich as INVALID_JSON",
      raw.length === 6 && raw.every((r) => r.stage === "enrich" && r.reason === "INVALID_JSON"),
      `${raw.length} records ${describe(raw)}`,
    ),
    check(
      "each enriched_events poison message dead-lettered once by the sink with a reason",
      enriched.length === 6 &&
        enriched.every((r) => String(r.stage).startsWith("sink") && String(r.reason) !== ""),
      `${enriched.length} records ${describe(enriched)}`,
    ),
  ];
}
