/**
 * A dead-letter payload as an admin may see it: pretty JSON with the values of personal fields
 * (email, phone, name, address, IP, card, password, tokens) replaced and email addresses inside
 * any other text masked. A payload that is not JSON is shown with emails and digit runs masked.
 */

/** Keys whose values are personal or secret, wherever they sit in the payload. */
const PERSONAL_KEY =
  /(^|_|\b)(e-?mail|phone|mobile|tel|name|first_?name|last_?name|full_?name|address|street|zip|postcode|ip|ip_?address|card|card_?number|pan|cvv|password|passwd|secret|token|write_?key|authorization|birthday|dob)$/i;

/** Keys that end in `name` but name things, not people. */
const KEEP_KEYS = new Set([
  "event_name",
  "product_name",
  "campaign_name",
  "app_name",
  "screen_name",
  "page_name",
  "library_name",
]);

const EMAIL = /[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;
const LONG_DIGITS = /\+?\d[\d ()-]{8,}\d/g;

/** The masked text shown for a personal value. */
export const MASK = "•••";

function maskString(text: string): string {
  return text.replace(EMAIL, (_m, domain: string) => `${MASK}@${domain}`);
}

function maskValue(value: unknown, key: string | undefined): unknown {
  if (key !== undefined && PERSONAL_KEY.test(key) && !KEEP_KEYS.has(key.toLowerCase())) {
    return value === null || value === undefined || value === "" ? value : MASK;
  }
  if (typeof value === "string") return maskString(value);
  if (Array.isArray(value)) return value.map((v) => maskValue(v, undefined));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v, k)]));
  }
  return value;
}

/** The payload text as shown on the dead-letter page. */
export function maskPayload(text: string): string {
  try {
    return JSON.stringify(maskValue(JSON.parse(text), undefined), null, 2);
  } catch {
    // Not JSON: nothing tells fields apart, so mask what looks personal anywhere.
    return maskString(text).replace(LONG_DIGITS, MASK);
  }
}
