/**
 * The console's languages: one dictionary per language, a translator with `{name}`
 * placeholders, and number, money and date formatting through `Intl` for a locale and time zone.
 */
import { type Dictionary, en, type MessageKey } from "./en.ts";
import { ru } from "./ru.ts";
import { NUMERIC_DATE_TIME } from "../core/zone.ts";

export type { Dictionary, MessageKey } from "./en.ts";

/** The languages staff can choose. */
export const LOCALES = ["en", "ru"] as const;
/** A supported language. */
export type Locale = typeof LOCALES[number];

/** Every dictionary by language. */
export const DICTIONARIES: Readonly<Record<Locale, Dictionary>> = { en, ru };

/** Time zones offered in the switcher (any valid IANA zone is accepted from the cookie). */
export const TIME_ZONES = [
  "UTC",
  "Europe/Moscow",
  "Europe/Kaliningrad",
  "Europe/Samara",
  "Asia/Yekaterinburg",
  "Asia/Novosibirsk",
  "Asia/Vladivostok",
  "Europe/London",
  "Europe/Berlin",
  "America/New_York",
] as const;

/** `value` when it is a supported language, else undefined. */
export function parseLocale(value: string | undefined): Locale | undefined {
  return (LOCALES as readonly string[]).includes(value ?? "") ? value as Locale : undefined;
}

/** `value` when Intl knows it as a time zone, else undefined. */
export function parseTimeZone(value: string | undefined): string | undefined {
  if (value === undefined || value === "" || value.length > 64) return undefined;
  try {
    return new Intl.DateTimeFormat("en", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Translates a key, filling `{name}` placeholders from `vars`. */
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** The translator for one language. */
export function translator(locale: Locale): Translate {
  const dictionary = DICTIONARIES[locale];
  return (key, vars) => {
    const text = dictionary[key];
    if (vars === undefined) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = vars[name];
      return value === undefined ? whole : String(value);
    });
  };
}

/** Locale- and zone-aware formatting of what pages show. */
export interface Formatter {
  /** `1234` → `1,234` / `1 234`. */
  count(value: number): string;
  /** Money in its currency; null → an em dash (unknown, e.g. no exchange rate). */
  money(value: number | null, currency: string): string;
  /** `numerator / denominator` as a percentage with one decimal; em dash when dividing by 0. */
  percent(numerator: number, denominator: number): string;
  /** A signed change against a previous value, e.g. `+12.5%`; em dash without a base. */
  change(current: number, previous: number): string;
  /** Date and time in the chosen zone. */
  time(value: Date | string | null): string;
  /** Date only, in the chosen zone. */
  day(value: Date): string;
}

/** A formatter for `locale` showing times in `timeZone`. */
export function formatter(locale: Locale, timeZone: string): Formatter {
  const tag = locale === "ru" ? "ru-RU" : "en-US";
  const integer = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(tag, {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const signed = new Intl.NumberFormat(tag, {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: "exceptZero",
  });
  const dateTime = new Intl.DateTimeFormat(tag, { timeZone, ...NUMERIC_DATE_TIME });
  const date = new Intl.DateTimeFormat(tag, {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  });
  const moneyFormats = new Map<string, Intl.NumberFormat>();
  return {
    count: (value) => integer.format(value),
    money(value, currency) {
      if (value === null || !Number.isFinite(value)) return "—";
      const code = currency.trim().toUpperCase();
      let format = moneyFormats.get(code);
      if (format === undefined) {
        try {
          format = new Intl.NumberFormat(tag, { style: "currency", currency: code });
        } catch {
          format = new Intl.NumberFormat(tag, {
            minimumFractionDigits: 2,
            maximumFractionDigits: 2,
          });
        }
        moneyFormats.set(code, format);
      }
      return format.format(value);
    },
    percent: (numerator, denominator) =>
      denominator === 0 ? "—" : percent.format(numerator / denominator),
    change: (current, previous) =>
      previous === 0 ? "—" : signed.format((current - previous) / previous),
    time(value) {
      if (value === null) return "—";
      const at = value instanceof Date ? value : new Date(value);
      if (Number.isNaN(at.getTime())) return String(value);
      return dateTime.format(at);
    },
    day: (value) => date.format(value),
  };
}
