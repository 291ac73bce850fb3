/**
 * An HTTP geo API provider (ipapi.co, ip-api.com or a self-hosted service with the same JSON),
 * behind a timeout and a circuit breaker.
 */
import type { Geo } from "../../shared/events/mod.ts";
import { EventFlowError } from "../../shared/errors.ts";
import type { GeoLookup } from "../steps/geo.ts";
import type { CircuitBreaker } from "./circuit_breaker.ts";

/** Options for {@link createHttpGeo}. */
export interface HttpGeoOptions {
  /** URL template with `{ip}`, e.g. `https://ipapi.co/{ip}/json/`. */
  urlTemplate: string;
  /** Per-request timeout in ms (default 1000). */
  timeoutMs?: number;
  breaker: CircuitBreaker;
  /** fetch implementation (default global fetch). */
  fetch?: typeof fetch;
}

function pick(body: Record<string, unknown>, ...names: string[]): unknown {
  for (const name of names) if (body[name] !== undefined && body[name] !== "") return body[name];
  return null;
}

function str(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function num(value: unknown): number | null {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
}

/** Maps the JSON of common geo APIs (ipapi.co, ip-api.com, ipinfo-like) onto geo fields. */
export function geoFromJson(body: Record<string, unknown>): Geo | null {
  // ip-api.com says {"status":"fail"}; ipapi.co says {"error":true} for reserved ranges.
  if (body.status === "fail" || body.error === true || body.bogon === true) return null;
  const geo: Geo = {
    country_code: str(pick(body, "country_code", "countryCode")),
    country: str(pick(body, "country_name", "country")),
    region: str(pick(body, "region", "regionName")),
    city: str(pick(body, "city")),
    timezone: str(pick(body, "timezone", "time_zone")),
    latitude: num(pick(body, "latitude", "lat")),
    longitude: num(pick(body, "longitude", "lon")),
  };
  // ipinfo puts the two-letter code in `country`.
  if (geo.country_code === null && geo.country !== null && /^[A-Z]{2}$/.test(geo.country)) {
    geo.country_code = geo.country;
    geo.country = null;
  }
  return geo.country_code === null && geo.city === null ? null : geo;
}

/** Creates the HTTP provider; 404 and "reserved range" answers mean "unknown IP", not failure. */
export function createHttpGeo(opts: HttpGeoOptions): GeoLookup {
  const timeoutMs = opts.timeoutMs ?? 1000;
  const doFetch = opts.fetch ?? fetch;
  return {
    lookup(ip) {
      return opts.breaker.call(async () => {
        const url = opts.urlTemplate.replaceAll("{ip}", encodeURIComponent(ip));
        let response: Response;
        try {
          response = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        } catch (error) {
          const timedOut = (error as Error).name === "TimeoutError";
          throw new EventFlowError(
            "GEO_HTTP_UNAVAILABLE",
            timedOut
              ? `Geo API did not answer within ${timeoutMs} ms`
              : `Geo API request failed: ${(error as Error).message}`,
            { retriable: true, cause: error },
          );
        }
        if (response.status === 404) {
          await response.body?.cancel();
          return null;
        }
        if (!response.ok) {
          await response.body?.cancel();
          throw new EventFlowError("GEO_HTTP_STATUS", `Geo API answered HTTP ${response.status}`, {
            retriable: response.status >= 500 || response.status === 429,
          });
        }
        const body = await response.json() as Record<string, unknown>;
        return geoFromJson(body);
      });
    },
  };
}

/** Tries `primary`, and `fallback` when it fails (e.g. HTTP API down → local database). */
export function withFallback(
  primary: GeoLookup,
  fallback: GeoLookup,
  opts: { onError?: (error: unknown) => void } = {},
): GeoLookup {
  return {
    async lookup(ip) {
      try {
        return await primary.lookup(ip);
      } catch (error) {
        opts.onError?.(error);
        return await fallback.lookup(ip);
      }
    },
  };
}
