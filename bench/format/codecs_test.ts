import assert from "node:assert/strict";
import { EnrichedEventSchema, RawEventSchema } from "../../shared/events/mod.ts";
import { avroCodec, jsonCodec, protobufCodec } from "./codecs.ts";
import { enrichSamples, sampleRawEvents } from "./events.ts";

const raw = sampleRawEvents(40);
const enriched = await enrichSamples(raw);

Deno.test("every format carries the real event shapes back to the very events JSON carries", () => {
  for (
    const [schema, events] of [[RawEventSchema, raw], [EnrichedEventSchema, enriched]] as const
  ) {
    const json = jsonCodec();
    for (const codec of [json, avroCodec(schema), protobufCodec(schema)]) {
      for (const event of events) {
        const back = codec.decode(codec.encode(event));
        // Avro decodes into record classes; what matters is the data, compared as JSON data.
        assert.deepEqual(
          JSON.parse(JSON.stringify(back)),
          json.decode(json.encode(event)),
          `${codec.name} lost a field`,
        );
        assert.equal(schema.safeParse(back).success, true, `${codec.name} broke the contract`);
      }
    }
  }
});

Deno.test("the sample events are enriched for real: geo, device, revenue and masking filled", () => {
  const cart = enriched[1]!;
  assert.notEqual(cart.geo.country_code, null);
  assert.notEqual(cart.device.browser, null);
  assert.equal(cart.revenue?.currency, "EUR");
  assert.equal(cart.properties.email, "***@b.co");
  assert.ok(enriched.some((e) => e.type === "identify") && enriched.some((e) => e.type === "page"));
});
