/**
 * Request parameters of every question, as zod schemas over query-string values. The same
 * schemas validate requests and generate the OpenAPI document (query/routes/openapi.ts), so the
 * documentation cannot drift from what the service accepts.
 */
import { z } from "zod";
import { BOUND_PATTERN, isTimeZone, LAST_PATTERN } from "./time.ts";

const list = (description: string) =>
  z.string().min(1).max(2000).regex(/^[^,]+(,[^,]+)*$/, "must be a comma-separated list")
    .optional().describe(`${description} Comma-separated values match any of them.`);

/** Filters that narrow the events a question reads; each is a column of `events`. */
export const FILTERS = {
  platform: list("Platform (web, ios, android, …)."),
  source: list("Source id (write key's source)."),
  country: list("Country code (ISO 3166-1 alpha-2, e.g. RU)."),
  city: list("City name as geo lookup reports it (e.g. Moscow)."),
  campaign: list("UTM campaign."),
  utm_source: list("UTM source."),
  utm_medium: list("UTM medium."),
  channel: list("Marketing channel (organic, paid_search, email, …)."),
  tier: list("User tier (free, pro, …)."),
};

/** Filter name → events column it compares. */
export const FILTER_COLUMNS: Record<keyof typeof FILTERS, string> = {
  platform: "platform",
  source: "source_id",
  country: "geo_country_code",
  city: "geo_city",
  campaign: "utm_campaign",
  utm_source: "utm_source",
  utm_medium: "utm_medium",
  channel: "channel",
  tier: "user_tier",
};

const RANGE = {
  from: z.string().regex(BOUND_PATTERN, "must be YYYY-MM-DD or an ISO 8601 time with offset")
    .optional().describe("Range start: a local date (midnight in tz) or an ISO 8601 instant."),
  to: z.string().regex(BOUND_PATTERN, "must be YYYY-MM-DD or an ISO 8601 time with offset")
    .optional().describe(
      "Range end, exclusive; a local date includes that whole day. Default now.",
    ),
  last: z.string().regex(LAST_PATTERN, "must be `today` or a duration like 30m, 24h, 7d, 4w")
    .optional().describe("Relative range ending now, instead of from/to: `today`, `24h`, `7d`…"),
  tz: z.string().refine(isTimeZone, "must be an IANA timezone such as Europe/Moscow").default("UTC")
    .describe("IANA timezone of days, weeks and date-only bounds. Default UTC."),
  include_bots: z.enum(["true", "false"]).default("false")
    .describe("Count crawler traffic too. Default false."),
};

const COMPARE = {
  compare: z.enum(["previous", "week", "none"]).default("previous")
    .describe(
      "Comparison period: the one just before (same length), the same one a week earlier, or none.",
    ),
};

const INTERVAL = {
  interval: z.enum(["hour", "day", "week", "month"]).default("day")
    .describe("Bucket of the time series."),
};

const LIMIT = {
  limit: z.string().regex(/^\d{1,3}$/, "must be a whole number from 1 to 100").refine(
    (v) => Number(v) >= 1 && Number(v) <= 100,
    "must be a whole number from 1 to 100",
  ).default("10").describe("Rows of each top list (1–100). Default 10."),
};

function question<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject({ ...RANGE, ...FILTERS, ...shape }).refine(
    (p: Record<string, unknown>) =>
      p.last === undefined || (p.from === undefined && p.to === undefined),
    { message: "give either last or from/to, not both", path: ["last"] },
  );
}

/** Step syntax: `event` or `event[property=value]` (property may be a dotted path). */
export const STEP_PATTERN =
  /^([A-Za-z0-9_.:$| -]{1,200})(?:\[([A-Za-z0-9_.$-]{1,100})=([^\]]{0,200})\])?$/;

/** Parameters of each question. */
export const PARAMS = {
  activeUsers: question({ ...COMPARE }),
  events: question({ ...INTERVAL, ...LIMIT }),
  funnel: question({
    ...COMPARE,
    steps: z.string().min(1).max(2000).describe(
      "Ordered steps, comma-separated: `event` or `event[property=value]`, 2 to 10 of them; " +
        "`a|b` matches either event, canonical names match their aliases. " +
        "Default: product view → add to cart → purchase.",
    ).superRefine((value, ctx) => {
      try {
        parseSteps(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }).optional(),
    window: z.string().regex(/^\d{1,4}[mhdw]$/, "must be a duration like 30m, 1h, 7d").default("1d")
      .describe("Conversion window from the first step. Default 1d."),
  }),
  revenue: question({ ...COMPARE, ...INTERVAL }),
  geography: question({
    ...LIMIT,
    level: z.enum(["country", "city"]).default("city").describe("Group by country or by city."),
  }),
  products: question({
    ...LIMIT,
    sort: z.enum(["views", "add_to_carts", "purchases", "revenue"]).default("revenue")
      .describe("What the top list is ordered by."),
  }),
  campaigns: question({
    ...LIMIT,
    by: z.enum(["campaign", "source", "medium", "channel"]).default("campaign")
      .describe("Group sessions by UTM campaign, source, medium or channel."),
  }),
  cohorts: question({
    weeks: z.string().regex(/^\d{1,2}$/, "must be a whole number from 1 to 26").refine(
      (v) => Number(v) >= 1 && Number(v) <= 26,
      "must be a whole number from 1 to 26",
    ).default("8").describe("Weeks of retention after the first-seen week. Default 8."),
  }),
  user: z.strictObject({
    limit: LIMIT.limit.describe("Events in the timeline (1–100). Default 50.").optional(),
  }),
};

/** Validated parameters of one question. */
export type ParamsOf<K extends keyof typeof PARAMS> = z.output<typeof PARAMS[K]>;

/** Common parsed fields every range question has. */
export type CommonParams = z.output<ReturnType<typeof question<Record<never, never>>>>;

/** One parsed funnel step. */
export interface Step {
  event: string;
  property?: { path: string[]; value: string };
}

/** Parses the `steps` parameter; throws a message naming the bad step. */
export function parseSteps(text: string): Step[] {
  const steps = text.split(",").map((s) => s.trim());
  if (steps.length < 2 || steps.length > 10) {
    throw new Error(`must list 2 to 10 steps, got ${steps.length}`);
  }
  return steps.map((step) => {
    const match = STEP_PATTERN.exec(step);
    if (match === null) {
      throw new Error(`step "${step}" is not \`event\` or \`event[property=value]\``);
    }
    const [, event, path, value] = match;
    return path === undefined
      ? { event: event!.trim() }
      : { event: event!.trim(), property: { path: path.split("."), value: value ?? "" } };
  });
}
