/** The catalogue of questions: path, parameters and how each runs; routes and OpenAPI read it. */
import type { z } from "zod";
import { activeUsers } from "./active_users.ts";
import { campaigns } from "./campaigns.ts";
import { cohorts } from "./cohorts.ts";
import { events } from "./events.ts";
import type { QuestionContext } from "./exec.ts";
import { funnel } from "./funnel.ts";
import { geography } from "./geography.ts";
import { PARAMS } from "./params.ts";
import { products } from "./products.ts";
import { revenue } from "./revenue.ts";

/** One question of the API. */
export interface Question {
  name: string;
  /** Path under /api/v1. */
  path: string;
  summary: string;
  description: string;
  schema: z.ZodType;
  run(params: never, ctx: QuestionContext): Promise<unknown>;
}

/** Every range question, in the order the docs list them. */
export const QUESTIONS: Question[] = [
  {
    name: "active_users",
    path: "/active-users",
    summary: "DAU, WAU, MAU and stickiness",
    description:
      "Per local day: actors active that day (DAU), in the 7 days (WAU) and 30 days (MAU) ending " +
      "that day, and DAU/MAU. `current` is the range's last day, `previous` the comparison " +
      "range's last day (cut at the same time of day), `change` the relative change.",
    schema: PARAMS.activeUsers,
    run: activeUsers,
  },
  {
    name: "events",
    path: "/events",
    summary: "Event counts over time, top events, top pages",
    description: "Events per name and bucket, the most frequent events with their actors, and " +
      "the most viewed pages (page views by URL path).",
    schema: PARAMS.events,
    run: events,
  },
  {
    name: "funnel",
    path: "/funnel",
    summary: "Ordered funnel with conversion window and comparison",
    description: "Actors reaching each step in order within the window from their first step, " +
      "conversion from the first and the previous step, the median seconds between steps, and " +
      "the same for the comparison period.",
    schema: PARAMS.funnel,
    run: funnel,
  },
  {
    name: "revenue",
    path: "/revenue",
    summary: "Revenue, orders and average order value with change",
    description: "Gross revenue, refunds, net revenue, orders, buyers and AOV per bucket and in " +
      "total, in the base currency, against the comparison period (relative change and delta).",
    schema: PARAMS.revenue,
    run: revenue,
  },
  {
    name: "geography",
    path: "/geography",
    summary: "Orders, buyers and revenue by country or city",
    description: "Purchases grouped by country or city with each place's share of the total.",
    schema: PARAMS.geography,
    run: geography,
  },
  {
    name: "products",
    path: "/products",
    summary: "Top products and view → purchase conversion",
    description: "Product views, add-to-carts, orders containing the product, units and revenue " +
      "from order lines, and purchases per view.",
    schema: PARAMS.products,
    run: products,
  },
  {
    name: "campaigns",
    path: "/campaigns",
    summary: "Sessions, buyers, revenue, CPA and ROAS by campaign or channel",
    description: "Sessions attributed to their first campaign/source/medium/channel; visitors, " +
      "buyers, orders, revenue, conversion (buyers per visitor); with spend recorded for the " +
      "campaign, cost per acquisition (spend / buyers) and ROAS (revenue / spend).",
    schema: PARAMS.campaigns,
    run: campaigns,
  },
  {
    name: "cohorts",
    path: "/cohorts",
    summary: "Weekly retention and mobile-first vs web cohorts",
    description: "Retention by first-seen week, and for actors first seen on mobile or web: the " +
      "share buying within 7 days of first being seen and the average lifetime value.",
    schema: PARAMS.cohorts,
    run: cohorts,
  },
];
