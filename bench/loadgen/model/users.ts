/** GadgetStore's visitors: a fixed population whose members return, sign up and buy again. */
import { type Agent, pickAgent, type Platform, PLATFORM_WEIGHTS } from "./agents.ts";
import { addressIn, type City, pickCity } from "./geo.ts";
import { chance, fork, int, mulberry32, pick, type Rng, uuid, weighted } from "./prng.ts";

/** One person and what the shop knows about them so far. */
export interface Visitor {
  index: number;
  /** Device id of the SDK / first-party cookie. */
  anonymousId: string;
  platform: Platform;
  agent: Agent;
  city: City;
  ip: string;
  /** Set once the visitor has an account. */
  userId: string | null;
  email: string;
  name: string;
  /** Orders placed so far; > 0 makes a repeat buyer. */
  orders: number;
  /** Products bought, newest last (reviews are about these). */
  bought: string[];
}

const FIRST = [
  "Alex",
  "Maria",
  "Ivan",
  "Emma",
  "Noah",
  "Olga",
  "Liam",
  "Sofia",
  "Yuki",
  "Chen",
  "Ana",
  "Omar",
  "Lea",
  "Raj",
  "Mia",
  "Lucas",
];
const LAST = [
  "Smith",
  "Ivanova",
  "Müller",
  "Garcia",
  "Kim",
  "Rossi",
  "Tanaka",
  "Nowak",
  "Silva",
  "Cohen",
  "Patel",
  "Dubois",
  "Berg",
  "Novak",
];

/** Builds visitor `index` deterministically from the seed: same seed, same person. */
export function makeVisitor(
  seed: number,
  index: number,
  opts: { registeredShare: number },
): Visitor {
  const rng = mulberry32((seed ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const platform = weighted(rng, PLATFORM_WEIGHTS);
  const city = pickCity(rng);
  const first = pick(rng, FIRST);
  const last = pick(rng, LAST);
  const registered = chance(rng, opts.registeredShare);
  return {
    index,
    anonymousId: uuid(rng),
    platform,
    agent: pickAgent(rng, platform),
    city,
    ip: addressIn(rng, city),
    userId: registered ? userIdOf(index) : null,
    email: `${first}.${last}${index}@mail.example`.toLowerCase(),
    name: `${first} ${last}`,
    orders: registered && chance(rng, 0.3) ? int(rng, 1, 4) : 0,
    bought: [],
  };
}

/** The shop's account id of visitor `index`. */
export function userIdOf(index: number): string {
  return `user_${String(index).padStart(6, "0")}`;
}

/** A visitor population of fixed size that remembers state between sessions. */
export interface Population {
  /** Draws who starts the next session: a returning visitor or a new one. */
  next(rng: Rng): Visitor;
  /** How many distinct visitors have appeared. */
  seen(): number;
}

/** Creates a population of `size` visitors; `returningShare` of sessions come from known ones. */
export function createPopulation(
  seed: number,
  opts: { size: number; returningShare: number; registeredShare: number },
): Population {
  const known: Visitor[] = [];
  const pickRng = fork(mulberry32(seed), 7);
  return {
    next(rng) {
      if (known.length > 0 && (known.length >= opts.size || chance(rng, opts.returningShare))) {
        // Square the draw: early visitors return more often, like a real loyal core.
        const r = pickRng.next();
        return known[Math.floor(r * r * known.length)]!;
      }
      const v = makeVisitor(seed, known.length, opts);
      known.push(v);
      return v;
    },
    seen: () => known.length,
  };
}
