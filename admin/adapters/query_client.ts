/**
 * The query service as the console's analytics source, over HTTP with the console's API token
 * (`QUERY_URL`, `QUERY_TOKEN`). The console never imports query/ code: this module is the whole
 * contract, typed with only the fields the pages read. A service that is not configured, cannot
 * be reached, is too slow or refuses the token becomes a {@link StoreUnavailableError} naming it
 * (a 503 page, or a notice on pages that also show other stores); a 400 becomes an InputError.
 */
import { InputError, StoreUnavailableError } from "../core/errors.ts";

/** The name pages show for this dependency. */
export const QUERY_SERVICE = "Query service";

/** A range as the query service takes it: `last=` or local `from`/`to` days, in `tz`. */
export type RangeParams = Record<string, string>;

/** A figure now, in the comparison period, and the relative change (null without a base). */
export interface Compared<K extends string> {
  current: Record<K, number>;
  previous: Record<K, number> | null;
  change: Record<K, number | null> | null;
}

/** `GET /active-users`. */
export type ActiveUsersAnswer = Compared<"dau" | "wau" | "mau" | "stickiness">;

/** One funnel step. */
export interface FunnelStepAnswer {
  step: string;
  users: number;
  conversion: number;
  step_conversion: number;
}

/** `GET /funnel`. */
export interface FunnelAnswer {
  steps: FunnelStepAnswer[];
  conversion: number;
  previous: { steps: FunnelStepAnswer[]; conversion: number } | null;
  change: { conversion: number | null; conversion_points: number } | null;
}

/** Revenue figures of one period or bucket. */
export type RevenueKey = "orders" | "buyers" | "gross_revenue" | "refunds" | "revenue" | "aov";

/** `GET /revenue`. */
export interface RevenueAnswer extends Compared<RevenueKey> {
  currency: string;
  series: Array<{ t: string } & Record<RevenueKey, number>>;
}

/** `GET /geography?level=city`. */
export interface GeographyAnswer {
  currency: string;
  total: { orders: number; buyers: number; revenue: number };
  places: Array<{
    country_code: string;
    city?: string;
    orders: number;
    buyers: number;
    revenue: number;
    share: { orders: number };
  }>;
}

/** `GET /products`. */
export interface ProductsAnswer {
  currency: string;
  products: Array<{
    product_id: string;
    name: string;
    views: number;
    add_to_carts: number;
    purchases: number;
    units: number;
    revenue: number;
    view_to_purchase: number | null;
  }>;
}

/** One row of `GET /campaigns?by=campaign`. */
export interface CampaignRow {
  campaign: string | null;
  sessions: number;
  visitors: number;
  buyers: number;
  orders: number;
  revenue: number;
  conversion: number;
  spend: number | null;
  cpa: number | null;
  roas: number | null;
}

/** `GET /campaigns?by=campaign`. */
export interface CampaignsAnswer {
  currency: string;
  rows: CampaignRow[];
}

/** `GET /cohorts`. */
export interface CohortsAnswer {
  currency: string;
  retention: Array<{
    cohort_week: string;
    size: number;
    weeks: Array<{ week: number; users: number; rate: number }>;
  }>;
  first_platform: Record<"mobile" | "web" | "other", {
    users: number;
    buyers: number;
    buyers_within_7d: number;
    share_buying_within_7d: number;
    revenue: number;
    ltv: number;
    ltv_per_buyer: number;
  }>;
}

/** One day's spend of one campaign. */
export interface SpendEntry {
  campaign: string;
  day: string;
  amount: number;
}

/** What the pages ask the query service. */
export interface QueryClient {
  activeUsers(range: RangeParams): Promise<ActiveUsersAnswer>;
  funnel(range: RangeParams): Promise<FunnelAnswer>;
  revenue(range: RangeParams): Promise<RevenueAnswer>;
  cities(range: RangeParams, limit: number): Promise<GeographyAnswer>;
  products(range: RangeParams, limit: number): Promise<ProductsAnswer>;
  campaigns(range: RangeParams, filters?: Record<string, string>): Promise<CampaignsAnswer>;
  cohorts(range: RangeParams, weeks: number): Promise<CohortsAnswer>;
  /** Spend entries of days `from`..`to` (inclusive), optionally of one campaign. */
  spend(opts: { from: string; to: string; campaign?: string }): Promise<SpendEntry[]>;
  /** Inserts or replaces spend entries (base currency). */
  setSpend(entries: SpendEntry[]): Promise<void>;
}

/** Options of {@link createQueryClient}. */
export interface QueryClientOptions {
  /** Base URL, e.g. http://127.0.0.1:8084; undefined: every call says "not configured". */
  url: string | undefined;
  /** Bearer token the console was given (query/cli/tokens.ts). */
  token: string | undefined;
  /** A slower answer counts as the service being unavailable (default 15000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The HTTP client of the query service. */
export function createQueryClient(opts: QueryClientOptions): QueryClient {
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 15_000;

  async function call<T>(method: "GET" | "PUT", path: string, body?: unknown): Promise<T> {
    if (opts.url === undefined || opts.token === undefined) {
      throw new StoreUnavailableError(QUERY_SERVICE, {
        cause: new Error("QUERY_URL and QUERY_TOKEN are not both set"),
      });
    }
    let response: Response;
    try {
      response = await doFetch(`${opts.url}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${opts.token}`,
          accept: "application/json",
          ...(body !== undefined && { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new StoreUnavailableError(QUERY_SERVICE, { cause: error });
    }
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as T;
    const error = parseError(text);
    if (response.status === 400) {
      throw new InputError(error.field ?? "query", error.message ?? text.slice(0, 300));
    }
    // 401/403 (a revoked or wrong token) and 5xx: the console cannot get answers right now.
    throw new StoreUnavailableError(QUERY_SERVICE, {
      cause: new Error(`HTTP ${response.status}: ${error.message ?? text.slice(0, 300)}`),
    });
  }

  const get = <T>(path: string, params: Record<string, string>) =>
    call<T>("GET", `${path}?${new URLSearchParams(params)}`);

  return {
    activeUsers: (range) => get("/active-users", range),
    funnel: (range) =>
      get("/funnel", { ...range, steps: "product_view|product_click,add_to_cart,purchase" }),
    revenue: (range) => get("/revenue", range),
    cities: (range, limit) =>
      get("/geography", { ...withoutCompare(range), level: "city", limit: String(limit) }),
    products: (range, limit) =>
      get("/products", { ...withoutCompare(range), sort: "revenue", limit: String(limit) }),
    campaigns: (range, filters = {}) =>
      get("/campaigns", { ...withoutCompare(range), ...filters, by: "campaign", limit: "100" }),
    cohorts: (range, weeks) => get("/cohorts", { ...withoutCompare(range), weeks: String(weeks) }),
    async spend({ from, to, campaign }) {
      const answer = await get<{ entries: Array<SpendEntry & { amount: number | string }> }>(
        "/campaigns/spend",
        { from, to, ...(campaign !== undefined && { campaign }) },
      );
      return answer.entries.map((e) => ({
        campaign: e.campaign,
        day: String(e.day).slice(0, 10),
        amount: Number(e.amount),
      }));
    },
    async setSpend(entries) {
      await call("PUT", "/campaigns/spend", { entries });
    },
  };
}

/** Questions without a comparison reject `compare`; drop it from a shared range. */
function withoutCompare(range: RangeParams): RangeParams {
  const { compare: _compare, ...rest } = range;
  return rest;
}

function parseError(text: string): { message?: string; field?: string } {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown; field?: unknown } };
    return {
      message: typeof body.error?.message === "string" ? body.error.message : undefined,
      field: typeof body.error?.field === "string" ? body.error.field : undefined,
    };
  } catch {
    return {};
  }
}
