/** The GadgetStore traffic model: an endless, deterministic stream of interleaved sessions. */
import { pickBot } from "./agents.ts";
import { pickAcquisition } from "./marketing.ts";
import { chance, fork, int, mulberry32, type Rng } from "./prng.ts";
import { buildSession, type SessionRates } from "./session.ts";
import type { FunnelStep, ShopEvent } from "./types.ts";
import { createPopulation } from "./users.ts";

/** Model parameters; every field has a realistic default. */
export interface ShopOptions {
  /** PRNG seed: the same seed and options give the same events. Default 1. */
  seed?: number;
  /** Distinct visitors. Default 20,000. */
  visitors?: number;
  /** Share of sessions by returning visitors. Default 0.45. */
  returningShare?: number;
  /** Share of new visitors who already have an account. Default 0.25. */
  registeredShare?: number;
  /** Share of sessions that are crawlers. Default 0.04. */
  botShare?: number;
  /** Sessions in flight at once, interleaved like real concurrent visitors. Default 64. */
  concurrentSessions?: number;
  /** Overrides of the behaviour rates. */
  rates?: Partial<Omit<SessionRates, "funnel">> & { funnel?: Partial<SessionRates["funnel"]> };
}

/** Default behaviour rates (roughly a mid-size electronics shop: ~5% session conversion). */
export const DEFAULT_RATES: SessionRates = {
  funnel: { search: 0.55, productClick: 0.65, addToCart: 0.35, purchase: 0.45 },
  repeatBuyerMultiplier: 1.6,
  signup: 0.06,
  login: 0.35,
  review: 0.08,
};

/** Counts the model keeps about what it generated. */
export interface ShopStats {
  sessions: number;
  botSessions: number;
  events: number;
  visitors: number;
  /** Human sessions reaching each funnel step. */
  funnel: Record<FunnelStep, number>;
  byType: Record<string, number>;
}

/** A stream of shop events. */
export interface Shop {
  /** The next event; a session that has to start now starts at `nowMs`. */
  next(nowMs: number): ShopEvent;
  stats(): ShopStats;
}

/** Resolves partial rates against the defaults. */
export function resolveRates(rates: ShopOptions["rates"] = {}): SessionRates {
  return { ...DEFAULT_RATES, ...rates, funnel: { ...DEFAULT_RATES.funnel, ...rates.funnel } };
}

/** Creates the model; it holds visitor state, so one instance is one simulated shop. */
export function createShop(opts: ShopOptions = {}): Shop {
  const seed = opts.seed ?? 1;
  const root = mulberry32(seed);
  const sessionRng = fork(root, 1);
  const slotRng = fork(root, 2);
  const rates = resolveRates(opts.rates);
  const population = createPopulation(seed, {
    size: opts.visitors ?? 20_000,
    returningShare: opts.returningShare ?? 0.45,
    registeredShare: opts.registeredShare ?? 0.25,
  });
  const botShare = opts.botShare ?? 0.04;
  const slots: ShopEvent[][] = Array.from({ length: opts.concurrentSessions ?? 64 }, () => []);
  const stats: ShopStats = {
    sessions: 0,
    botSessions: 0,
    events: 0,
    visitors: 0,
    funnel: { page_view: 0, search: 0, product_click: 0, add_to_cart: 0, purchase: 0 },
    byType: {},
  };

  const startSession = (rng: Rng, nowMs: number): ShopEvent[] => {
    const visitor = population.next(rng);
    const bot = chance(rng, botShare) ? pickBot(rng) : undefined;
    const acquisition = bot
      ? { channel: "organic" as const, referrer: null, campaign: null, query: [] }
      : pickAcquisition(rng, { countryCode: visitor.city.country_code });
    const { events, summary } = buildSession(rng, {
      visitor,
      acquisition,
      startMs: nowMs,
      rates,
      bot,
    });
    stats.sessions++;
    if (bot) stats.botSessions++;
    for (const step of summary.reached) stats.funnel[step as keyof ShopStats["funnel"]]++;
    return events.reverse(); // popped from the end
  };

  return {
    next(nowMs) {
      const slot = slots[int(slotRng, 0, slots.length - 1)]!;
      if (slot.length === 0) slot.push(...startSession(sessionRng, nowMs));
      const event = slot.pop()!;
      stats.events++;
      stats.byType[event.event_type] = (stats.byType[event.event_type] ?? 0) + 1;
      return event;
    },
    stats: () => ({
      ...stats,
      visitors: population.seen(),
      funnel: { ...stats.funnel },
      byType: { ...stats.byType },
    }),
  };
}
