import assert from "node:assert/strict";
import { geoFromRecord, openMmdbGeo } from "./mmdb.ts";

Deno.test("openMmdbGeo() finds 85.214.132.64 in Berlin in the shipped DB-IP Lite database", async () => {
  const geo = await openMmdbGeo();
  const found = await geo.lookup("85.214.132.64");
  assert.deepEqual([found?.country_code, found?.region, found?.city], [
    "DE",
    "Berlin",
    "Berlin (Charlottenburg-Wilmersdorf)",
  ]);
  assert.deepEqual(await geo.lookup("10.0.0.1"), null);
  const v6 = await geo.lookup("2a01:238:4000::1");
  assert.deepEqual(v6?.country_code, "DE");
});

Deno.test("geoFromRecord() reads the nested GeoLite2 City layout", () => {
  const record = {
    country: { iso_code: "US", names: { en: "United States" } },
    subdivisions: [{ names: { en: "California" } }],
    city: { names: { en: "Mountain View" } },
    location: { latitude: 37.4, longitude: -122.1, time_zone: "America/Los_Angeles" },
  };
  assert.deepEqual(geoFromRecord(record), {
    country_code: "US",
    country: "United States",
    region: "California",
    city: "Mountain View",
    timezone: "America/Los_Angeles",
    latitude: 37.4,
    longitude: -122.1,
  });
});
