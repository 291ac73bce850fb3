/**
 * Time zone of a location when the geo database does not carry one (DB-IP Lite leaves it empty).
 */
import { ZONES } from "./_zones.ts";

interface Zone {
  lat: number;
  lon: number;
  zone: string;
}

let byCountry: Map<string, Zone[]> | undefined;

function zonesByCountry(): Map<string, Zone[]> {
  // Parsed on first use, not at import, and kept: the table never changes at run time.
  if (byCountry) return byCountry;
  byCountry = new Map();
  for (const line of ZONES.split("\n")) {
    const [cc, lat, lon, zone] = line.split(" ");
    if (!cc || !lat || !lon || !zone) continue;
    const list = byCountry.get(cc) ?? [];
    list.push({ lat: Number(lat), lon: Number(lon), zone });
    byCountry.set(cc, list);
  }
  return byCountry;
}

/** The IANA zone of the country's zone nearest to the point, or its only zone; null if unknown. */
export function timezoneFor(
  countryCode: string | null,
  latitude: number | null,
  longitude: number | null,
): string | null {
  if (countryCode === null) return null;
  const zones = zonesByCountry().get(countryCode.toUpperCase());
  if (!zones || zones.length === 0) return null;
  if (zones.length === 1 || latitude === null || longitude === null) return zones[0]!.zone;
  let best = zones[0]!;
  let bestDistance = Infinity;
  for (const zone of zones) {
    // Equirectangular distance is plenty to tell zone centres apart.
    const dx = (zone.lon - longitude) * Math.cos((latitude * Math.PI) / 180);
    const dy = zone.lat - latitude;
    const distance = dx * dx + dy * dy;
    if (distance < bestDistance) {
      best = zone;
      bestDistance = distance;
    }
  }
  return best.zone;
}
