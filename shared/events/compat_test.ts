import assert from "node:assert/strict";
import { EnrichedEventSchema, RawEventSchema } from "./mod.ts";
import { parseMessage } from "./parse.ts";

// Messages exactly as schema version 1 wrote them to raw_events and enriched_events (2026-12,
// the JSON contract kept by docs/decisions.md "Message format on Kafka"). Never edit them: a
// schema change that makes one of them unreadable breaks every consumer behind a topic that still
// holds them (Kafka keeps days of messages, dead letters are replayed weeks later). Add the
// messages of a new version beside them instead.
const RAW_V1 = [
  '{"schema_version":1,"event_id":"ca210c9d-8d6c-46ee-ab0a-f6e746b68583","type":"track","event":"Add To Cart","user_id":"user_1","anonymous_id":"anon_1","session_id":null,"group_id":null,"previous_id":null,"properties":{"product_id":"1","price":"19.99","currency":"EUR","email":"a@b.co"},"traits":{},"context":{},"platform":"web","url":"https://shop.example.com/p/123?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale","referrer":null,"timestamp":"2026-04-10T12:00:00.000Z","client_timestamp":"2026-04-10T12:00:00.000Z","sent_at":null,"received_at":"2026-04-10T12:00:01.000Z","timestamp_clamped":false,"ip":"115.1.31.1","user_agent":"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1","source_id":"src_web","format":"eventflow"}',
];

const ENRICHED_V1 = [
  '{"schema_version":1,"event_id":"ca210c9d-8d6c-46ee-ab0a-f6e746b68583","type":"track","event":"add_to_cart","user_id":"user_1","anonymous_id":"anon_1","session_id":"sess_anon_1","group_id":null,"previous_id":null,"properties":{"product_id":"1","price":19.99,"currency":"EUR","email":"***@b.co"},"traits":{},"context":{},"platform":"web","url":"https://shop.example.com/p/123?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale","referrer":null,"timestamp":"2026-04-10T12:00:00.000Z","client_timestamp":"2026-04-10T12:00:00.000Z","sent_at":null,"received_at":"2026-04-10T12:00:01.000Z","timestamp_clamped":false,"ip":"115.1.31.0","user_agent":"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1","source_id":"src_web","format":"eventflow","original_event":"Add To Cart","session_derived":true,"geo":{"country_code":"KR","country":"South Korea","region":"Gyeonggi-do","city":"Uijeongbu-si","timezone":"Asia/Seoul","latitude":37.74700164794922,"longitude":127.05000305175781},"device":{"browser":"Chrome","browser_version":"120.0.6099.119","os":"iOS","os_version":"17.0","device_type":"mobile","device_vendor":"Apple","device_model":"iPhone","is_bot":false},"user":{"tier":"premium","signup_at":"2025-11-02T09:30:00.000Z","country_code":"DE","identity_resolved":false},"product":{"product_id":"123","name":"Wireless headphones","category":"Audio","price":199,"currency":"EUR"},"marketing":{"utm_source":"newsletter","utm_medium":"email","utm_campaign":"spring_sale","utm_term":null,"utm_content":null,"click_id_type":null,"click_id":null,"channel":"email","referrer_source":"newsletter","referrer_host":null,"campaigns":["Spring sale"]},"revenue":{"amount":19.99,"currency":"EUR","amount_base":21.5892,"base_currency":"USD"},"enrichment_errors":[],"enriched_at":"2026-12-02T17:48:33.606Z"}',
  '{"schema_version":1,"event_id":"3354f73f-f7b3-4899-b163-dc5237f25972","type":"page","event":"page_view","user_id":null,"anonymous_id":"anon_1","session_id":"sess_anon_1","group_id":null,"previous_id":null,"properties":{"title":"Spring sale","path":"/sale"},"traits":{},"context":{"page":{"path":"/sale","title":"Spring sale","url":"https://shop.example.com/sale"},"locale":"de-DE","library":{"name":"analytics.js","version":"4.1.0"},"campaign":{"source":"newsletter","medium":"email","name":"spring_sale"}},"platform":"web","url":"https://shop.example.com/p/123?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale","referrer":"https://www.google.com/","timestamp":"2026-04-10T12:00:00.000Z","client_timestamp":"2026-04-10T12:00:00.000Z","sent_at":null,"received_at":"2026-04-10T12:00:01.000Z","timestamp_clamped":false,"ip":"135.9.23.0","user_agent":"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1","source_id":"src_web","format":"eventflow","original_event":"page_view","session_derived":true,"geo":{"country_code":"US","country":"United States","region":"New Jersey","city":"Basking Ridge","timezone":"America/New_York","latitude":40.6953010559082,"longitude":-74.57839965820312},"device":{"browser":"Chrome","browser_version":"120.0.6099.119","os":"iOS","os_version":"17.0","device_type":"mobile","device_vendor":"Apple","device_model":"iPhone","is_bot":false},"user":{"tier":null,"signup_at":null,"country_code":null,"identity_resolved":false},"product":{"product_id":"123","name":"Wireless headphones","category":"Audio","price":199,"currency":"EUR"},"marketing":{"utm_source":"newsletter","utm_medium":"email","utm_campaign":"spring_sale","utm_term":null,"utm_content":null,"click_id_type":null,"click_id":null,"channel":"email","referrer_source":"newsletter","referrer_host":"www.google.com","campaigns":["Spring sale"]},"revenue":null,"enrichment_errors":[],"enriched_at":"2026-12-02T17:48:33.616Z"}',
];

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("raw_events messages written by schema version 1 still parse", () => {
  for (const text of RAW_V1) {
    const parsed = parseMessage(RawEventSchema, bytes(text));
    assert.equal(parsed.ok, true, parsed.ok ? "" : `${parsed.reason}: ${parsed.error}`);
    if (parsed.ok) assert.equal(parsed.value.event_id, JSON.parse(text).event_id);
  }
});

Deno.test("enriched_events messages written by schema version 1 still parse", () => {
  for (const text of ENRICHED_V1) {
    const parsed = parseMessage(EnrichedEventSchema, bytes(text));
    assert.equal(parsed.ok, true, parsed.ok ? "" : `${parsed.reason}: ${parsed.error}`);
    if (parsed.ok) assert.deepEqual(parsed.value.geo, JSON.parse(text).geo);
  }
});
