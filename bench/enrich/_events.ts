/** The synthetic raw events both throughput modes enrich, so their figures compare. */
import type { RawEvent } from "../../shared/events/mod.ts";
import { rawEvent } from "../../enrich/testing/events.ts";

/**
 * `total` add-to-cart events of `visitors` visitors (a third anonymous), 50 products, varied IPs,
 * an email to mask: every step and every lookup has work to do.
 */
export function benchEvents(total: number, visitors: number): RawEvent[] {
  return Array.from({ length: total }, (_, i) =>
    rawEvent({
      user_id: i % 3 === 0 ? null : `user_${i % visitors}`,
      anonymous_id: `anon_${i % visitors}`,
      ip: `${(i * 7919) % 223 + 1}.${i % 256}.${(i * 31) % 256}.${i % 200}`,
      properties: { product_id: String(i % 50), price: "19.99", currency: "EUR", email: "a@b.co" },
    }));
}
