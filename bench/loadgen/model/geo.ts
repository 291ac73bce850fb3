/**
 * Where GadgetStore's visitors come from: cities with real public IPv4 /16 prefixes that the
 * bundled DB-IP city database (the one enrich uses) places in that city. The addresses are only
 * written into event payloads for enrich's geo lookup; nothing ever connects to them.
 */
import { int, type Rng, weighted } from "./prng.ts";

/** One city and an address prefix located there. */
export interface City {
  city: string;
  country_code: string;
  /** First two octets of a /16 located in `city`. */
  prefix: string;
  /** Third octets checked against the geo DB; generated addresses use only these /24s. */
  subnets: readonly number[];
  /** Share of traffic, relative. */
  weight: number;
  /** Browser locale typical for the city. */
  locale: string;
  timezone: string;
}

const SUBNETS = [7, 90, 200] as const;

type Row = [city: string, cc: string, prefix: string, weight: number, locale: string, tz: string];

const ROWS: Row[] = [
  ["New York", "US", "12.55", 10, "en-US", "America/New_York"],
  ["Boston", "US", "63.1", 4, "en-US", "America/New_York"],
  ["Chicago", "US", "12.100", 6, "en-US", "America/Chicago"],
  ["Dallas", "US", "32.176", 5, "en-US", "America/Chicago"],
  ["Denver", "US", "144.219", 3, "en-US", "America/Denver"],
  ["Seattle", "US", "50.2", 4, "en-US", "America/Los_Angeles"],
  ["Miami", "US", "75.220", 3, "en-US", "America/New_York"],
  ["Toronto", "CA", "99.212", 4, "en-CA", "America/Toronto"],
  ["Vancouver", "CA", "24.80", 2, "en-CA", "America/Vancouver"],
  ["Mexico City", "MX", "189.130", 3, "es-MX", "America/Mexico_City"],
  ["Sao Paulo", "BR", "88.104", 4, "pt-BR", "America/Sao_Paulo"],
  ["Buenos Aires", "AR", "186.12", 2, "es-AR", "America/Argentina/Buenos_Aires"],
  ["London", "GB", "2.28", 8, "en-GB", "Europe/London"],
  ["Dublin", "IE", "56.48", 2, "en-IE", "Europe/Dublin"],
  ["Paris", "FR", "37.172", 5, "fr-FR", "Europe/Paris"],
  ["Munich", "DE", "77.4", 4, "de-DE", "Europe/Berlin"],
  ["Amsterdam", "NL", "77.62", 3, "nl-NL", "Europe/Amsterdam"],
  ["Barcelona", "ES", "83.46", 3, "es-ES", "Europe/Madrid"],
  ["Milan", "IT", "2.119", 3, "it-IT", "Europe/Rome"],
  ["Stockholm", "SE", "2.252", 2, "sv-SE", "Europe/Stockholm"],
  ["Helsinki", "FI", "62.236", 1, "fi-FI", "Europe/Helsinki"],
  ["Warsaw", "PL", "31.61", 3, "pl-PL", "Europe/Warsaw"],
  ["Prague", "CZ", "147.32", 2, "cs-CZ", "Europe/Prague"],
  ["Moscow", "RU", "2.92", 6, "ru-RU", "Europe/Moscow"],
  ["Novosibirsk", "RU", "5.128", 2, "ru-RU", "Asia/Novosibirsk"],
  ["Yekaterinburg", "RU", "5.141", 2, "ru-RU", "Asia/Yekaterinburg"],
  ["Kyiv", "UA", "37.115", 2, "uk-UA", "Europe/Kyiv"],
  ["Tel Aviv", "IL", "31.168", 2, "he-IL", "Asia/Jerusalem"],
  ["Cairo", "EG", "41.64", 2, "ar-EG", "Africa/Cairo"],
  ["Bengaluru", "IN", "59.89", 4, "en-IN", "Asia/Kolkata"],
  ["Singapore", "SG", "43.98", 2, "en-SG", "Asia/Singapore"],
  ["Seoul", "KR", "27.160", 3, "ko-KR", "Asia/Seoul"],
  ["Osaka", "JP", "56.155", 2, "ja-JP", "Asia/Tokyo"],
  ["Sydney", "AU", "1.129", 3, "en-AU", "Australia/Sydney"],
  ["Auckland", "NZ", "121.98", 1, "en-NZ", "Pacific/Auckland"],
];

/** The cities, in a fixed order. */
export const CITIES: readonly City[] = ROWS.map((
  [city, country_code, prefix, weight, locale, timezone],
) => ({
  city,
  country_code,
  prefix,
  subnets: SUBNETS,
  weight,
  locale,
  timezone,
}));

const WEIGHTED = CITIES.map((c) => [c, c.weight] as const);

/** Picks a city in proportion to its traffic share. */
export function pickCity(rng: Rng): City {
  return weighted(rng, WEIGHTED);
}

/** A host address inside one of the city's checked /24s. */
export function addressIn(rng: Rng, city: City): string {
  const subnet = city.subnets[int(rng, 0, city.subnets.length - 1)];
  return `${city.prefix}.${subnet}.${int(rng, 2, 253)}`;
}
