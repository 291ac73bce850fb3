/** `/api/v1/campaigns/spend`: the shop's spend per campaign and day, read and set. */
import { Hono } from "hono";
import { z } from "zod";
import { ApiError } from "../core/errors.ts";
import type { QueryDeps, QueryEnv } from "./deps.ts";
import { parseParams, queryValues } from "./parse.ts";

const DAY = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD").refine(
  (d) =>
    !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) &&
    new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
  "must be a real calendar date",
);

/** One spend entry as the API takes it. */
export const SpendEntrySchema = z.strictObject({
  campaign: z.string().min(1).max(200).describe("The campaign's utm_campaign value."),
  day: DAY.describe("Local day of the spend (YYYY-MM-DD)."),
  amount: z.number().min(0).max(1e12).describe("Amount spent that day."),
  currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD").optional()
    .describe("Currency of the amount; default the base currency."),
});

/** Body of `PUT /api/v1/campaigns/spend`. */
export const SpendBodySchema = z.strictObject({
  entries: z.array(SpendEntrySchema).min(1).max(10_000).describe(
    "Entries to insert or replace (one per campaign and day).",
  ),
});

/** Query of `GET /api/v1/campaigns/spend`. */
export const SpendQuerySchema = z.strictObject({
  from: DAY.describe("First day (YYYY-MM-DD)."),
  to: DAY.describe("Last day, inclusive (YYYY-MM-DD)."),
  campaign: z.string().min(1).optional().describe("Only these campaigns (comma-separated)."),
});

/** The spend routes as a sub-app. */
export function spendRoutes(deps: QueryDeps): Hono<QueryEnv> {
  const app = new Hono<QueryEnv>();
  app.get("/campaigns/spend", async (c) => {
    const q = parseParams(SpendQuerySchema, queryValues(c.req.url));
    const entries = await deps.spend.list({
      fromDay: q.from,
      toDay: q.to,
      campaigns: q.campaign?.split(",").map((s) => s.trim()),
    });
    return c.json({ entries });
  });
  app.put("/campaigns/spend", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new ApiError(400, "INVALID_JSON", "The request body is not JSON", { field: "body" });
    }
    const { entries } = parseParams(SpendBodySchema, body);
    if (entries.some((e) => e.currency !== undefined && e.currency !== deps.baseCurrency)) {
      const i = entries.findIndex((e) =>
        e.currency !== undefined && e.currency !== deps.baseCurrency
      );
      throw new ApiError(
        400,
        "INVALID_PARAMETER",
        `Parameter "entries.${i}.currency" must be the base currency ${deps.baseCurrency}: CPA and ROAS compare spend with revenue in it`,
        { field: `entries.${i}.currency` },
      );
    }
    await deps.spend.set(entries.map((e) => ({ ...e, currency: deps.baseCurrency })));
    return c.json({ status: "ok", saved: entries.length });
  });
  return app;
}
