/**
 * Privacy step: masks personal data everywhere it can appear, pseudonymizes configured fields
 * and truncates the stored IP. Runs last, after geo has used the full IP.
 */
import { createHmac } from "node:crypto";
import { isIPv4 } from "node:net";
import { maskText, maskUrl } from "./pii.ts";
import type { Step } from "./types.ts";

/** What happens to the IP after the geo lookup. */
export type IpPolicy = "truncate" | "drop" | "keep";

/** Options for {@link privacyStep}. */
export interface PrivacyOptions {
  /** Field names (any depth, case-insensitive) replaced by a salted hash (default none). */
  pseudonymizeFields?: string[];
  /** Salt of the pseudonym hash; required when fields are configured. */
  salt?: string;
  /** Default `truncate`: IPv4 /24, IPv6 /48. */
  ipPolicy?: IpPolicy;
}

/** IPv4 → /24 (`1.2.3.4` → `1.2.3.0`, also IPv4-mapped IPv6), IPv6 → /48; null when unparseable. */
export function truncateIp(ip: string): string | null {
  const v4 = ip.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0`;
  if (!ip.includes(":")) return null;
  // IPv4-mapped (`::ffff:1.2.3.4`, what dual-stack servers report): its /48 is all zeros, so it
  // gets the IPv4 rule and stays mapped.
  const mapped = ip.match(/^(?:0{0,4}:){0,5}:?ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i);
  if (mapped) {
    if (!isIPv4(mapped[1]!)) return null;
    return `::ffff:${truncateIp(mapped[1]!)}`;
  }
  const [head = "", tail] = ip.split("::");
  const groups = head === "" ? [] : head.split(":");
  // `::` compresses zero groups; when it sits in the first three, the rest are zero already.
  if (tail === undefined && groups.length < 3) return null;
  const first = [...groups, "0", "0", "0"].slice(0, 3).map((g) =>
    g.toLowerCase().replace(/^0+(?=.)/, "")
  );
  return `${first.join(":")}::`;
}

/** A stable pseudonym of a value: `ph_` + 32 hex chars of HMAC-SHA256(salt, normalized value). */
export function pseudonym(value: unknown, salt: string): string {
  const normalized = String(value).trim().toLowerCase();
  return `ph_${createHmac("sha256", salt).update(normalized).digest("hex").slice(0, 32)}`;
}

const PHONE_KEYS = /^(phone|phone_number|mobile|tel|telephone|cell)$/i;

/** `key`, or `key#2`, `key#3`… when two keys masked to the same text (no value is lost). */
function uniqueKey(out: Record<string, unknown>, key: string): string {
  if (!Object.hasOwn(out, key)) return key;
  let n = 2;
  while (Object.hasOwn(out, `${key}#${n}`)) n++;
  return `${key}#${n}`;
}

/**
 * Deepest nesting of objects and arrays {@link scrub} masks. Ingest accepts at most 32 levels per
 * body, so this only stops events that bypassed it; they throw and are dead-lettered.
 */
export const MAX_SCRUB_DEPTH = 64;

/**
 * Walks a JSON value masking strings (object keys too: apps key maps by email); configured keys
 * are pseudonymized instead. Copy on write: an object or array with nothing to mask comes back
 * as it is, so the common event allocates nothing here.
 */
export function scrub(
  value: unknown,
  opts: { fields: Set<string>; salt: string },
  depth = 0,
): unknown {
  if (typeof value === "string") {
    return /^https?:\/\//i.test(value) ? maskUrl(value) : maskText(value);
  }
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_SCRUB_DEPTH) {
    throw new RangeError(
      `value nests deeper than ${MAX_SCRUB_DEPTH} levels of objects and arrays; cannot mask it`,
    );
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const masked = scrub(value[i], opts, depth + 1);
      if (copy === null && masked !== value[i]) copy = value.slice(0, i);
      copy?.push(masked);
    }
    return copy ?? value;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  let out: Record<string, unknown> | null = null;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const inner = object[key];
    let masked: unknown;
    if (
      opts.fields.size > 0 && opts.fields.has(key.toLowerCase()) && inner !== null &&
      typeof inner !== "object"
    ) {
      masked = pseudonym(inner, opts.salt);
    } else if (PHONE_KEYS.test(key) && (typeof inner === "number" || typeof inner === "string")) {
      // Under a phone-named key even a bare digit run is a phone number.
      masked = /\d{5,}/.test(String(inner).replace(/\D/g, ""))
        ? "[phone]"
        : scrub(inner, opts, depth + 1);
    } else masked = scrub(inner, opts, depth + 1);
    const maskedKey = maskText(key);
    if (out === null && (masked !== inner || maskedKey !== key)) {
      // The keys before this one were kept as they are; distinct keys cannot collide.
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = object[keys[j]!];
    }
    if (out !== null) out[uniqueKey(out, maskedKey)] = masked;
  }
  return out ?? object;
}

/** Masks PII in properties, traits, context and URLs; applies the IP policy. */
export function privacyStep(opts: PrivacyOptions = {}): Step {
  const fields = new Set((opts.pseudonymizeFields ?? []).map((f) => f.toLowerCase()));
  const salt = opts.salt ?? "";
  const policy = opts.ipPolicy ?? "truncate";
  return {
    name: "privacy",
    // An event whose personal data could not be masked is dead-lettered, never emitted.
    failClosed: true,
    run(event) {
      const walk = { fields, salt };
      const applyPolicy = (value: string | null) =>
        value === null || policy === "drop" ? null : policy === "keep" ? value : truncateIp(value);
      let context = scrub(event.context, walk) as Record<string, unknown>;
      // Segment clients repeat the IP in context.ip; it gets the same policy. A copy: scrub()
      // hands back the event's own object when it had nothing to mask.
      if (typeof context.ip === "string") context = { ...context, ip: applyPolicy(context.ip) };
      return {
        patch: {
          properties: scrub(event.properties, walk) as Record<string, unknown>,
          traits: scrub(event.traits, walk) as Record<string, unknown>,
          context,
          url: event.url === null ? null : maskUrl(event.url),
          referrer: event.referrer === null ? null : maskUrl(event.referrer),
          ip: applyPolicy(event.ip),
        },
      };
    },
  };
}
