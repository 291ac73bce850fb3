/** Where a session came from: referrer, UTM campaign and ad click ids. */
import { chance, pick, type Rng, token, weighted } from "./prng.ts";

/** UTM parameters of a landing URL (Segment's `context.campaign` naming). */
export interface Campaign {
  source: string;
  medium: string;
  name: string;
  term?: string;
  content?: string;
}

/** The acquisition of one session. */
export interface Acquisition {
  /** Coarse channel, for tests and summaries: organic, paid, social, email, direct. */
  channel: "organic" | "paid" | "social" | "email" | "direct";
  referrer: string | null;
  campaign: Campaign | null;
  /** Landing-URL query parameters, in order (utm_*, gclid, yclid, fbclid). */
  query: [string, string][];
}

const CAMPAIGNS = {
  google: ["brand_search", "black_friday_2025", "smartphones_generic", "headphones_q4"],
  yandex: ["brand_ru", "smartphones_ru", "gaming_ru"],
  facebook: ["retargeting_cart", "lookalike_buyers", "new_arrivals"],
  email: ["weekly_digest", "abandoned_cart", "black_friday_2025", "welcome_series"],
} as const;

type Kind =
  | "google_organic"
  | "google_cpc"
  | "yandex_organic"
  | "yandex_cpc"
  | "facebook"
  | "email"
  | "direct";

const MIX: (readonly [Kind, number])[] = [
  ["google_organic", 26],
  ["google_cpc", 14],
  ["yandex_organic", 5],
  ["yandex_cpc", 4],
  ["facebook", 10],
  ["email", 9],
  ["direct", 32],
];

/** Draws the traffic source of a new session; Russian visitors search with Yandex more. */
export function pickAcquisition(rng: Rng, opts: { countryCode?: string } = {}): Acquisition {
  const mix = opts.countryCode === "RU"
    ? MIX.map(([k, w]) => [k, k.startsWith("yandex") ? w * 6 : w] as const)
    : MIX;
  const kind = weighted(rng, mix);
  switch (kind) {
    case "google_organic":
      return organic("https://www.google.com/");
    case "yandex_organic":
      return organic("https://yandex.ru/");
    case "google_cpc":
      return paid(rng, {
        referrer: "https://www.google.com/",
        source: "google",
        clickId: ["gclid", `Cj0KCQiA${token(rng, 40)}`],
        names: CAMPAIGNS.google,
        term: pick(rng, ["buy iphone 16", "wireless earbuds", "ps5 deal", "gadget store"]),
      });
    case "yandex_cpc":
      return paid(rng, {
        referrer: "https://yandex.ru/",
        source: "yandex",
        clickId: ["yclid", String(1_000_000_000_000 + Math.floor(rng.next() * 9e12))],
        names: CAMPAIGNS.yandex,
        term: pick(rng, ["купить смартфон", "наушники", "игровая приставка"]),
      });
    case "facebook": {
      const campaign: Campaign = {
        source: "facebook",
        medium: "paid_social",
        name: pick(rng, CAMPAIGNS.facebook),
        content: pick(rng, ["carousel_a", "video_15s", "static_b"]),
      };
      const query = utm(campaign);
      if (chance(rng, 0.9)) query.push(["fbclid", `IwAR${token(rng, 56)}`]);
      return { channel: "social", referrer: "https://l.facebook.com/", campaign, query };
    }
    case "email": {
      const campaign: Campaign = {
        source: "newsletter",
        medium: "email",
        name: pick(rng, CAMPAIGNS.email),
      };
      return { channel: "email", referrer: null, campaign, query: utm(campaign) };
    }
    case "direct":
      return { channel: "direct", referrer: null, campaign: null, query: [] };
  }
}

function organic(referrer: string): Acquisition {
  return { channel: "organic", referrer, campaign: null, query: [] };
}

function paid(
  rng: Rng,
  o: {
    referrer: string;
    source: string;
    clickId: [string, string];
    names: readonly string[];
    term: string;
  },
): Acquisition {
  const campaign: Campaign = {
    source: o.source,
    medium: "cpc",
    name: pick(rng, o.names),
    term: o.term,
  };
  return { channel: "paid", referrer: o.referrer, campaign, query: [...utm(campaign), o.clickId] };
}

function utm(c: Campaign): [string, string][] {
  const out: [string, string][] = [["utm_source", c.source], ["utm_medium", c.medium], [
    "utm_campaign",
    c.name,
  ]];
  if (c.term) out.push(["utm_term", c.term]);
  if (c.content) out.push(["utm_content", c.content]);
  return out;
}
