/**
 * Finding and masking personal data in free text: emails, phone numbers and card numbers.
 */
import { formatPageUrl, parsePageUrl } from "./_url.ts";

const EMAIL = /[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;
// Issuers' first digits are 2–6; requiring them keeps epoch-millisecond strings (1…) unmasked.
const CARD = /(?<![\d-])[2-6](?:[ -]?\d){12,18}(?![\d-])/g;
const PHONE = /(?<![\w+])(?:\+\d|\(\d|\d)[\d ()-]{5,}\d(?!\w)/g;
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}|^\d{2}-\d{2}-\d{4}$/;

/** The Luhn checksum test that every payment card number passes. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length >= 13 && digits.length <= 19 && sum % 10 === 0;
}

/** `jane@example.com` → `***@example.com`: the domain is useful, the mailbox is personal. */
export function maskEmails(text: string): string {
  return text.replace(EMAIL, (_match, domain: string) => `***@${domain}`);
}

/** Luhn-valid card numbers → `****…` plus the last four digits (what receipts show). */
export function maskCards(text: string): string {
  return text.replace(CARD, (match) => {
    const digits = match.replace(/\D/g, "");
    return luhnValid(digits) ? `**** **** **** ${digits.slice(-4)}` : match;
  });
}

/**
 * Phone numbers → `[phone]`. A bare digit run only counts when it starts with `+` or is written
 * with separators, so ids, prices and timestamps stay untouched.
 */
export function maskPhones(text: string): string {
  return text.replace(PHONE, (match) => {
    const digits = match.replace(/\D/g, "");
    if (digits.length < 7 || digits.length > 15 || DATE_LIKE.test(match)) return match;
    const written = match.startsWith("+") || /[ ()-]/.test(match);
    return written ? "[phone]" : match;
  });
}

/**
 * Whether `text` can hold anything {@link maskText} masks: an email needs an `@`, a card 13
 * digits and a phone 7. Most strings (names, ids, prices, user agents) have neither, and one scan
 * is far cheaper than the three regular expressions.
 */
export function mayHoldPii(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 64) return true; // "@"
    if (c >= 48 && c <= 57 && ++digits >= 7) return true;
  }
  return false;
}

/** Masks every email, card number and phone number in `text`. */
export function maskText(text: string): string {
  if (!mayHoldPii(text)) return text;
  // Cards first: a spaced card number also looks like a phone number.
  return maskPhones(maskCards(maskEmails(text)));
}

// Pages repeat (the same product page for every visitor), and parsing a URL is most of the cost
// of masking it: answers are kept, the whole map dropped when it is full.
const MASKED_URLS_MAX = 4_096;
const maskedUrls = new Map<string, string>();

/** Masks personal data in a URL, including percent-encoded query values. */
export function maskUrl(value: string): string {
  const known = maskedUrls.get(value);
  if (known !== undefined) return known;
  const masked = maskUrlUncached(value);
  if (maskedUrls.size >= MASKED_URLS_MAX) maskedUrls.clear();
  maskedUrls.set(value, masked);
  return masked;
}

function maskUrlUncached(value: string): string {
  // Bare paths too: their query strings carry PII percent-encoded, out of maskText's sight.
  const page = parsePageUrl(value);
  if (page === null) return maskText(value);
  const { url } = page;
  let changed = false;
  const params = new URLSearchParams();
  for (const [key, raw] of url.searchParams) {
    const [maskedKey, masked] = [maskText(key), maskText(raw)];
    if (masked !== raw || maskedKey !== key) changed = true;
    params.append(maskedKey, masked);
  }
  if (changed) url.search = params.toString();
  // Paths carry ids too (`/users/jane%40x.io/orders`), percent-encoded like query values.
  const segments = url.pathname.split("/").map((segment) => {
    const decoded = decodeURIComponentSafe(segment);
    const masked = maskText(decoded);
    return masked === decoded ? segment : encodeURIComponent(masked);
  });
  if (segments.join("/") !== url.pathname) url.pathname = segments.join("/");
  const hash = maskText(decodeURIComponentSafe(url.hash));
  if (hash !== decodeURIComponentSafe(url.hash)) url.hash = hash;
  return maskText(formatPageUrl(page));
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
