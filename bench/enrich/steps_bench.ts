/**
 * Per-step cost of enrichment, and local mmdb vs Redis-cached geo lookups.
 *
 *   node_modules/.bin/deno bench -A bench/enrich/steps_bench.ts
 */
import { createRedis } from "../../shared/redis/mod.ts";
import { draft } from "../../enrich/testing/events.ts";
import { openMmdbGeo } from "../../enrich/adapters/mmdb.ts";
import { deviceStep } from "../../enrich/steps/device.ts";
import { marketingStep } from "../../enrich/steps/marketing.ts";
import { normalizeStep } from "../../enrich/steps/normalize.ts";
import { privacyStep } from "../../enrich/steps/privacy.ts";
import { revenueStep } from "../../enrich/steps/revenue.ts";
import { productIdOf } from "../../enrich/steps/product.ts";
import { nextSession } from "../../enrich/steps/session.ts";
import { completeGeo } from "../../enrich/steps/geo.ts";

const event = draft({
  properties: {
    product_id: "123",
    price: "199.00",
    note: "mail jane@example.com",
    phone: "+49 30 1234567",
  },
});
const geo = await openMmdbGeo();
const redis = createRedis("redis://127.0.0.1:6379/0");
await redis.set(
  "bench:geo:85.214.132.64",
  JSON.stringify(await geo.lookup("85.214.132.64")),
  "EX",
  600,
);
const campaigns = {
  current: () => [{
    name: "Spring sale",
    utm_campaign: "spring_sale",
    channel: null,
    starts_at: 0,
    ends_at: Infinity,
  }],
};
const rates = { current: () => new Map([["EUR", 1.08]]) };
const ips = Array.from(
  { length: 1000 },
  (_, i) => `${(i * 7919) % 223 + 1}.${i % 256}.${(i * 31) % 256}.${i % 200}`,
);
let n = 0;

Deno.bench("normalize", () => void normalizeStep().run(event));
Deno.bench("device (ua-parser + isbot)", () => void deviceStep().run(event));
Deno.bench("marketing (utm, referrer, campaigns)", () => void marketingStep(campaigns).run(event));
Deno.bench("privacy (mask + truncate)", async () => void await privacyStep().run(event));
Deno.bench("revenue", () => void revenueStep(rates).run(event));
Deno.bench("product id extraction", () => void productIdOf(event.properties));
Deno.bench("session state transition", () => void nextSession(null, 1, { visitorId: "anon_1" }));
Deno.bench(
  "geo: local DB-IP mmdb lookup (varied IPs)",
  { group: "geo", baseline: true },
  async () => {
    completeGeo((await geo.lookup(ips[n++ % ips.length]!))! ?? draft().geo);
  },
);
Deno.bench("geo: Redis GET of a cached answer", { group: "geo" }, async () => {
  JSON.parse((await redis.get("bench:geo:85.214.132.64"))!);
});
globalThis.addEventListener("unload", () => redis.disconnect());
