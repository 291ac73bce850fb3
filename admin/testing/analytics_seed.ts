/**
 * A small shop history for the analytics pages, written straight into the test ClickHouse in a
 * private far-future window (see `farFutureNow`), so the query service's answers are known exactly:
 *
 * current week (days D-6..D): u1 web Moscow view → cart → purchase 100 (campaign), u2 ios Moscow
 * view → cart (campaign), u3 web Berlin view → purchase 50, u4 android Saint Petersburg
 * view → cart → purchase 300 (campaign); the week before: p1 view → cart → purchase 80, p2 and
 * p3 view only. Expected figures are in {@link EXPECTED}.
 */
import type { Stores } from "../adapters/stores.ts";

const DAY = 86_400_000;

/** What the query service must answer for the week ending on day D against the week before. */
export const EXPECTED = {
  funnel: { current: [4, 3, 2], previous: [3, 1, 1] },
  revenue: { current: 450, previous: 80, orders: 3, aov: 150 },
  wau: 4,
  dau: 2,
  cities: ["Saint Petersburg", "Moscow", "Berlin"],
  campaign: { visitors: 3, buyers: 2, revenue: 400 },
  firstPlatform: { mobileUsers: 2, mobileShare7d: 0.5, webUsers: 2, webShare7d: 1 },
};

/** The seeded window: `fromDay`..`toDay` is the current week, D = `toDay`. */
export interface AnalyticsWorld {
  prefix: string;
  /** 14:30 UTC on day D, for cleanup with removeWorld. */
  now: Date;
  fromDay: string;
  toDay: string;
  campaign: string;
}

/** Inserts the events; `now` must be in a private far-future window. */
export async function seedAnalytics(
  stores: Stores,
  prefix: string,
  now: Date,
): Promise<AnalyticsWorld> {
  const dayD = Math.floor(now.getTime() / DAY) * DAY;
  const campaign = `${prefix}summer`;
  let n = 0;
  const rows: Record<string, unknown>[] = [];
  const actor = (
    id: string,
    platform: string,
    city: [string, string],
    daysBefore: number,
    steps: Array<"view" | "cart" | ["buy", number]>,
    utm: boolean,
  ) => {
    let t = dayD - daysBefore * DAY + 10 * 3_600_000;
    for (const step of steps) {
      const [event, revenue] = step === "view"
        ? ["product_view", null]
        : step === "cart"
        ? ["add_to_cart", null]
        : ["purchase", step[1]];
      const at = new Date(t).toISOString();
      rows.push({
        event_id: `${prefix}an_${n++}`,
        event,
        original_event: event,
        type: "track",
        timestamp: at,
        received_at: at,
        enriched_at: at,
        user_id: `${prefix}${id}`,
        anonymous_id: "",
        session_id: `${prefix}${id}_s`,
        platform,
        geo_country_code: city[0],
        geo_city: city[1],
        product_id: `${prefix}phone`,
        product_name: "Pixel Phone",
        revenue_base: revenue,
        utm_campaign: utm ? campaign : "",
        is_bot: false,
      });
      t += 60_000;
    }
  };
  const moscow: [string, string] = ["RU", "Moscow"];
  actor("u1", "web", moscow, 0, ["view", "cart", ["buy", 100]], true);
  actor("u2", "ios", moscow, 1, ["view", "cart"], true);
  actor("u3", "web", ["DE", "Berlin"], 2, ["view", ["buy", 50]], false);
  actor("u4", "android", ["RU", "Saint Petersburg"], 0, ["view", "cart", ["buy", 300]], true);
  actor("p1", "web", moscow, 8, ["view", "cart", ["buy", 80]], false);
  actor("p2", "web", moscow, 9, ["view"], false);
  actor("p3", "web", moscow, 9, ["view"], false);
  await stores.ch.insert({ table: "events", values: rows, format: "JSONEachRow" });
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { prefix, now, fromDay: iso(dayD - 6 * DAY), toDay: iso(dayD), campaign };
}
