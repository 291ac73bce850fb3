/** One visit to GadgetStore: the events a visitor's SDK sends, in order, with think times. */
import type { Agent } from "./agents.ts";
import { CATALOGUE, CATEGORIES, type Product, SEARCH_TERMS, slug } from "./catalogue.ts";
import type { Acquisition } from "./marketing.ts";
import { chance, exponential, int, pick, type Rng, token, uuid, weighted } from "./prng.ts";
import type { EventContext, FunnelRates, ShopEvent } from "./types.ts";
import { userIdOf, type Visitor } from "./users.ts";

/** The shop's public web origin (fictional; used only inside payloads). */
export const SITE = "https://www.gadgetstore.example";

/** Behaviour knobs of a session beyond the funnel. */
export interface SessionRates {
  funnel: FunnelRates;
  /** Purchase-rate multiplier for visitors who bought before (capped at 1). */
  repeatBuyerMultiplier: number;
  /** Anonymous visitors who create an account during a session. */
  signup: number;
  /** Registered visitors who log in (an identify call) at the start of a session. */
  login: number;
  /** Previous buyers who review something they bought. */
  review: number;
}

/** Who visits, from where, with what: the inputs of {@link buildSession}. */
export interface SessionInput {
  visitor: Visitor;
  acquisition: Acquisition;
  /** Epoch ms of the first event. */
  startMs: number;
  rates: SessionRates;
  /** A crawler visit: page views only, own agent. */
  bot?: Agent;
}

/** What a session did, for the model's own statistics and tests. */
export interface SessionSummary {
  reached: Set<string>;
  repeatBuyer: boolean;
}

const WEIGHTED_PRODUCTS = CATALOGUE.map((p) => [p, p.popularity] as const);

/** Builds the events of one session and updates the visitor (account, orders) in place. */
export function buildSession(
  rng: Rng,
  input: SessionInput,
): { events: ShopEvent[]; summary: SessionSummary } {
  const { visitor, acquisition, rates } = input;
  const agent = input.bot ?? visitor.agent;
  const sessionId = uuid(rng);
  const events: ShopEvent[] = [];
  const reached = new Set<string>();
  const repeatBuyer = visitor.orders > 0;
  let clock = input.startMs;
  let previousUrl: string | null = acquisition.referrer;
  const landingQuery = acquisition.query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");

  const emit = (
    event_type: string,
    event_data: Record<string, unknown>,
    view?: { path: string; title: string },
    extra?: Partial<ShopEvent>,
  ) => {
    clock += Math.round(events.length === 0 ? 0 : 1000 + exponential(rng, 9000));
    const isWeb = agent.platform === "web";
    const first = events.length === 0;
    const path = view?.path ?? "/";
    const search = first && landingQuery ? `?${landingQuery}` : "";
    const url = isWeb ? `${SITE}${path}${search}` : null;
    const context: EventContext = {
      ip: visitor.ip,
      userAgent: agent.userAgent,
      locale: visitor.city.locale,
      timezone: visitor.city.timezone,
      library: isWeb ? { name: "eventflow.js", version: "1.4.2" } : {
        name: agent.platform === "ios" ? "eventflow-swift" : "eventflow-kotlin",
        version: "1.3.0",
      },
    };
    if (isWeb && view) {
      context.page = { url: url!, path, title: view.title, referrer: previousUrl, search };
    }
    if (!isWeb) {
      context.screen = { name: view?.title ?? "Home" };
      context.app = {
        name: "GadgetStore",
        version: agent.appVersion ?? "4.12.0",
        namespace: "com.gadgetstore.app",
      };
      context.device = { type: agent.platform };
    }
    if (acquisition.campaign) context.campaign = { ...acquisition.campaign };
    events.push({
      event_id: uuid(rng),
      event_type,
      user_id: visitor.userId,
      anonymous_id: visitor.anonymousId,
      session_id: sessionId,
      event_data,
      timestamp: new Date(clock).toISOString(),
      platform: agent.platform,
      url,
      referrer: first ? acquisition.referrer : previousUrl,
      context,
      ...extra,
    });
    if (isWeb && view) previousUrl = url;
  };
  const view = (path: string, title: string, data: Record<string, unknown> = {}) => {
    const isWeb = agent.platform === "web";
    emit(
      isWeb ? "page_view" : "screen_view",
      { ...data, ...(isWeb ? {} : { screen_name: title }) },
      {
        path,
        title,
      },
    );
  };

  if (input.bot) {
    for (let i = int(rng, 1, 6); i > 0; i--) {
      const p = weighted(rng, WEIGHTED_PRODUCTS);
      view(`/products/${slug(p.name)}`, p.name, { product_id: p.product_id });
    }
    return { events, summary: { reached, repeatBuyer } };
  }

  if (visitor.userId && chance(rng, rates.login)) {
    emit("identify", {}, undefined, { traits: traitsOf(visitor) });
  }
  // Landing: campaign traffic lands on a category, search traffic on a product, the rest on home.
  const landingCategory = pick(rng, CATEGORIES);
  if (acquisition.campaign) view(`/c/${landingCategory}`, categoryTitle(landingCategory));
  else view("/", "GadgetStore – gadgets, delivered tomorrow");
  reached.add("page_view");
  for (let i = int(rng, 0, 3); i > 0; i--) {
    const c = pick(rng, CATEGORIES);
    view(`/c/${c}`, categoryTitle(c), { category: c });
  }

  if (!visitor.userId && chance(rng, rates.signup)) signup(rng, visitor, emit, "header");

  if (chance(rng, rates.funnel.search)) {
    reached.add("search");
    const [term, category] = pick(rng, SEARCH_TERMS);
    const results = CATALOGUE.filter((p) => p.category === category);
    emit("search", { query: term, results_count: results.length + int(rng, 0, 30) }, {
      path: `/search?q=${encodeURIComponent(term)}`,
      title: `Search: ${term}`,
    });
    if (chance(rng, rates.funnel.productClick)) {
      reached.add("product_click");
      const clicked = pickFrom(rng, results);
      emit("product_click", {
        ...productData(clicked),
        list: "search_results",
        position: int(rng, 1, 12),
      });
      view(`/products/${slug(clicked.name)}`, clicked.name, { product_id: clicked.product_id });
      if (chance(rng, rates.funnel.addToCart)) {
        reached.add("add_to_cart");
        const cart = [{ product: clicked, quantity: chance(rng, 0.1) ? 2 : 1 }];
        for (let i = weighted(rng, [[0, 6], [1, 3], [2, 1]] as const); i > 0; i--) {
          cart.push({ product: weighted(rng, WEIGHTED_PRODUCTS), quantity: 1 });
        }
        for (const line of cart) {
          emit("add_to_cart", {
            ...productData(line.product),
            quantity: line.quantity,
            cart_id: sessionId,
          });
        }
        const p = Math.min(
          1,
          rates.funnel.purchase * (repeatBuyer ? rates.repeatBuyerMultiplier : 1),
        );
        if (chance(rng, p)) {
          reached.add("purchase");
          if (!visitor.userId && chance(rng, 0.5)) signup(rng, visitor, emit, "checkout");
          purchase(rng, visitor, cart, emit);
        }
      }
    }
  }

  if (visitor.orders > 0 && chance(rng, rates.review)) {
    const id = visitor.bought.length > 0
      ? pick(rng, visitor.bought)
      : weighted(rng, WEIGHTED_PRODUCTS).product_id;
    const product = CATALOGUE.find((p) => p.product_id === id)!;
    emit("review_submitted", {
      product_id: product.product_id,
      rating: weighted(rng, [[5, 55], [4, 25], [3, 9], [2, 5], [1, 6]] as const),
      title: pick(rng, [
        "Great value",
        "Works as expected",
        "Fast delivery",
        "Not what I hoped",
        "Love it",
      ]),
      review_id: `rev_${token(rng, 12)}`,
    }, { path: `/products/${slug(product.name)}#reviews`, title: `${product.name} reviews` });
  }
  return { events, summary: { reached, repeatBuyer } };
}

type Emit = (
  type: string,
  data: Record<string, unknown>,
  view?: { path: string; title: string },
  extra?: Partial<ShopEvent>,
) => void;

function signup(rng: Rng, visitor: Visitor, emit: Emit, placement: string): void {
  visitor.userId = userIdOf(visitor.index);
  emit("signup", { method: pick(rng, ["email", "email", "google", "apple"]), placement }, {
    path: "/account/register",
    title: "Create account",
  });
  emit("identify", {}, undefined, { traits: traitsOf(visitor) });
}

function purchase(
  rng: Rng,
  visitor: Visitor,
  cart: { product: Product; quantity: number }[],
  emit: Emit,
): void {
  const items = cart.map(({ product, quantity }) => ({ ...productData(product), quantity }));
  const subtotal = round2(items.reduce((s, i) => s + i.price * i.quantity, 0));
  const shipping = subtotal >= 100 ? 0 : 9.99;
  const tax = round2(subtotal * 0.08);
  const coupon = chance(rng, 0.15) ? pick(rng, ["WELCOME10", "BF2025", "FREESHIP"]) : null;
  const discount = coupon === "WELCOME10" || coupon === "BF2025" ? round2(subtotal * 0.1) : 0;
  visitor.orders += 1;
  for (const i of items) visitor.bought.push(i.product_id);
  emit("purchase", {
    order_id: `GS-${token(rng, 10).toUpperCase()}`,
    revenue: round2(subtotal - discount + shipping + tax),
    subtotal,
    shipping,
    tax,
    discount,
    coupon,
    currency: "USD",
    payment_method: pick(rng, ["card", "card", "paypal", "apple_pay", "google_pay"]),
    repeat_buyer: visitor.orders > 1,
    items,
  }, { path: "/checkout/complete", title: "Thank you for your order" });
}

function productData(p: Product) {
  return {
    product_id: p.product_id,
    sku: p.sku,
    name: p.name,
    category: p.category,
    brand: p.brand,
    price: p.price,
    currency: p.currency,
  };
}

function traitsOf(v: Visitor): Record<string, unknown> {
  return {
    email: v.email,
    name: v.name,
    city: v.city.city,
    country: v.city.country_code,
    orders: v.orders,
  };
}

function categoryTitle(c: string): string {
  return `${c[0]!.toUpperCase()}${c.slice(1).replace("-", " ")} | GadgetStore`;
}

function pickFrom(rng: Rng, products: Product[]): Product {
  return products.length > 0
    ? weighted(rng, products.map((p) => [p, p.popularity] as const))
    : pick(rng, CATALOGUE);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
