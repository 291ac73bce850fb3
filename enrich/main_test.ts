/**
 * End to end: runs the real `enrich/main.ts` against local Kafka, PostgreSQL and Redis, produces
 * the brief's add-to-cart example and a garbage message, and reads the enriched event and the
 * dead-letter record back from Kafka.
 */
import {
  DeadLetterSchema,
  EnrichedEventSchema,
  generateDeadLetterKey,
  openDeadLetterPayload,
  parseDeadLetterKeys,
  type RawEvent,
} from "../shared/events/mod.ts";
import { createRedis } from "../shared/redis/mod.ts";
import assert from "node:assert/strict";
import { IPHONE_CHROME_UA, rawEvent } from "./testing/events.ts";
import { produce, readTopicUntil, testTopics } from "../shared/testing/kafka.ts";
import { serviceEntry, startService } from "../shared/testing/service_process.ts";
import { TEST_ENV, testId, testSql } from "../shared/testing/stores.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

const EMAIL = "jane.doe@example.com";
const PHONE = "+49 30 12345678";

Deno.test(
  "enrich turns the brief's add-to-cart into a fully enriched event and dead-letters garbage",
  opts,
  async () => {
    await using sql = await testSql();
    const id = testId();
    const [raw, enriched, dlq] = [`${id}_raw`, `${id}_enriched`, `${id}_dlq`];
    await using _topics = await testTopics([raw, enriched, dlq]);
    const prefix = `${id}_keys:`;
    const campaignId = `${id}_campaign`;
    await sql`INSERT INTO users (user_id, tier, signup_at, country_code)
    VALUES ('user_789', 'premium', '2025-11-02T10:00:00Z', 'DE')
    ON CONFLICT (user_id) DO UPDATE SET tier = 'premium', signup_at = EXCLUDED.signup_at,
      country_code = 'DE'`;
    await sql`INSERT INTO products (product_id, name, category, price, currency)
    VALUES ('123', 'Wireless Headphones', 'Audio', 199.00, 'USD')
    ON CONFLICT (product_id) DO UPDATE SET name = EXCLUDED.name, category = 'Audio', price = 199.00`;
    const now = Date.now();
    const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();
    await sql`INSERT INTO campaigns (campaign_id, name, utm_campaign, starts_at, ends_at)
    VALUES (${campaignId}, 'Spring sale', 'spring_sale', ${at(-86_400_000)}, ${at(86_400_000)})`;
    const redis = createRedis(TEST_ENV.REDIS_URL);
    const deadLetterKey = generateDeadLetterKey();
    const service = await startService(serviceEntry("enrich"), {
      env: {
        ...TEST_ENV,
        DEAD_LETTER_KEYS: deadLetterKey,
        TOPIC_RAW: raw,
        TOPIC_ENRICHED: enriched,
        TOPIC_DEAD_LETTER: dlq,
        CONSUMER_GROUP: `${id}_group`,
        REDIS_KEY_PREFIX: prefix,
        LAG_INTERVAL_MS: "200",
      },
    });
    try {
      const event: RawEvent = rawEvent({
        event: "Add To Cart",
        timestamp: at(0),
        received_at: at(0),
        properties: {
          product_id: "123",
          price: "199.00",
          quantity: "1",
          currency: "USD",
          contact_email: EMAIL,
          contact_phone: PHONE,
        },
        url:
          `https://shop.example.com/p/123?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale&email=${
            encodeURIComponent(EMAIL)
          }`,
        ip: "85.214.132.64",
        user_agent: IPHONE_CHROME_UA,
      });
      await produce(raw, [
        { key: "user_789", value: JSON.stringify(event) },
        { key: null, value: "this is not json" },
      ]);
      const [out] = await readTopicUntil(enriched, (seen) => seen.length >= 1);
      const text = new TextDecoder().decode(out!.value);
      const result = EnrichedEventSchema.parse(JSON.parse(text));
      assert.deepEqual(out!.key, "user_789");
      assert.deepEqual(result.event_id, event.event_id);
      assert.deepEqual([result.event, result.original_event], ["add_to_cart", "Add To Cart"]);
      assert.deepEqual(result.geo, {
        country_code: "DE",
        country: "Germany",
        region: "Berlin",
        city: "Berlin (Charlottenburg-Wilmersdorf)",
        timezone: "Europe/Berlin",
        latitude: result.geo.latitude,
        longitude: result.geo.longitude,
      });
      assert.deepEqual(
        [result.device.device_model, result.device.device_vendor, result.device.device_type],
        ["iPhone", "Apple", "mobile"],
      );
      assert.deepEqual([result.device.browser, result.device.os, result.device.is_bot], [
        "Chrome",
        "iOS",
        false,
      ]);
      assert.deepEqual(result.user, {
        tier: "premium",
        signup_at: "2025-11-02T10:00:00.000Z",
        country_code: "DE",
        identity_resolved: false,
      });
      assert.deepEqual(result.product, {
        product_id: "123",
        name: "Wireless Headphones",
        category: "Audio",
        price: 199,
        currency: "USD",
      });
      assert.deepEqual(result.marketing.campaigns, ["Spring sale"]);
      assert.deepEqual([result.marketing.channel, result.marketing.utm_source], [
        "email",
        "newsletter",
      ]);
      assert.deepEqual(result.properties.price, 199);
      assert.deepEqual(result.revenue, {
        amount: 199,
        currency: "USD",
        amount_base: 199,
        base_currency: "USD",
      });
      assert.deepEqual(result.ip, "85.214.132.0");
      assert.deepEqual(result.session_derived, true);
      assert.deepEqual(result.enrichment_errors, []);
      for (const secret of [EMAIL, encodeURIComponent(EMAIL), PHONE, "85.214.132.64"]) {
        assert(!text.includes(secret), `enriched output still contains ${secret}`);
      }
      assert.deepEqual(result.properties.contact_email, "***@example.com");
      assert.deepEqual(result.properties.contact_phone, "[phone]");

      const [dead] = await readTopicUntil(dlq, (seen) => seen.length >= 1);
      const record = DeadLetterSchema.parse(JSON.parse(new TextDecoder().decode(dead!.value)));
      // Sealed at rest (the payload may hold unmasked PII), and the key opens it for replay.
      assert.deepEqual(
        [record.stage, record.reason, record.payload_encoding, record.source.topic],
        [
          "enrich",
          "INVALID_JSON",
          "aes-256-gcm",
          raw,
        ],
      );
      const opened = await openDeadLetterPayload(record, await parseDeadLetterKeys(deadLetterKey));
      assert.deepEqual(new TextDecoder().decode(opened), "this is not json");
      assert(record.error.startsWith("Message is not valid JSON:"), record.error);

      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      assert(/eventflow_enrich_consumed_total\{service="enrich"\} 2/.test(metrics), "consumed 2");
      assert(
        /eventflow_enrich_dead_letter_total\{reason="INVALID_JSON",service="enrich"\} 1/.test(
          metrics,
        ),
        metrics,
      );
      assert(
        /eventflow_enrich_cache_requests_total\{cache="user_redis",result="miss"/.test(metrics),
        "user cache metric",
      );
      const ready = await fetch(`${service.url}/readyz`);
      assert.deepEqual([ready.status, (await ready.json()).status], [200, "ready"]);
      assert.deepEqual(await redis.exists(`${prefix}user:user_789`), 1);
    } finally {
      const status = await service.stop();
      await sql`DELETE FROM campaigns WHERE campaign_id = ${campaignId}`;
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      assert.deepEqual(status.code, 0, `enrich exit status; log:\n${service.log()}`);
    }
  },
);
