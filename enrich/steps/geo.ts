/**
 * Geo step: country, region, city, time zone and coordinates from the client IP.
 */
import type { Geo } from "../../shared/events/mod.ts";
import { errorMessage } from "../../shared/errors.ts";
import { timezoneFor } from "./timezone.ts";
import type { Step } from "./types.ts";

/** A geo source: resolves an IP to a location, null when the IP is not in its data. */
export interface GeoLookup {
  lookup(ip: string): Promise<Geo | null>;
}

let regionNames: Intl.DisplayNames | undefined;
// `Intl.DisplayNames.of` costs ~20 µs a call, a fifth of the whole geo step; there are only
// 26² two-letter codes, so every answer is kept.
const countryNames = new Map<string, string | null>();

/** English country name of an ISO 3166-1 alpha-2 code, or null for codes Intl does not know. */
export function countryName(code: string | null): string | null {
  if (code === null || !/^[A-Z]{2}$/i.test(code)) return null;
  const upper = code.toUpperCase();
  const known = countryNames.get(upper);
  if (known !== undefined) return known;
  regionNames ??= new Intl.DisplayNames(["en"], { type: "region" });
  const name = regionNames.of(upper);
  const answer = name === undefined || name === upper ? null : name;
  countryNames.set(upper, answer);
  return answer;
}

/** Fills the derivable fields a source may lack (country name, time zone). */
export function completeGeo(geo: Geo): Geo {
  return {
    ...geo,
    country: geo.country ?? countryName(geo.country_code),
    timezone: geo.timezone ?? timezoneFor(geo.country_code, geo.latitude, geo.longitude),
  };
}

/** True for addresses that no geo database can locate (private, loopback, link-local). */
export function isPrivateIp(ip: string): boolean {
  return /^(10\.|127\.|0\.|169\.254\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip) ||
    /^(::1$|fc|fd|fe80:)/i.test(ip);
}

/** Looks the event's IP up; an IP the source does not know is not an error. */
export function geoStep(source: GeoLookup): Step {
  return {
    name: "geo",
    async run(event) {
      if (event.ip === null || isPrivateIp(event.ip)) return { patch: {} };
      try {
        const geo = await source.lookup(event.ip);
        return { patch: geo === null ? {} : { geo: completeGeo(geo) } };
      } catch (error) {
        return { patch: {}, error: `Geo lookup of the IP failed: ${errorMessage(error)}` };
      }
    },
  };
}
