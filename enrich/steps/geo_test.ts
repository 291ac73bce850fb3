import assert from "node:assert/strict";
import { draft } from "../testing/events.ts";
import { completeGeo, countryName, geoStep } from "./geo.ts";
import { timezoneFor } from "./timezone.ts";

const berlin = {
  country_code: "DE",
  country: null,
  region: "Berlin",
  city: "Berlin",
  timezone: null,
  latitude: 52.52,
  longitude: 13.4,
};

Deno.test("timezoneFor() picks the zone of the country nearest to the point", () => {
  assert.deepEqual(timezoneFor("DE", 52.5, 13.4), "Europe/Berlin");
  assert.deepEqual(timezoneFor("US", 40.7, -74.0), "America/New_York");
  assert.deepEqual(timezoneFor("US", 34.05, -118.24), "America/Los_Angeles");
  assert.deepEqual(timezoneFor("RU", 55.75, 37.6), "Europe/Moscow");
  assert.deepEqual(timezoneFor("FR", null, null), "Europe/Paris");
  assert.deepEqual(timezoneFor("ZZ", 1, 1), null);
});

Deno.test("completeGeo() adds the country name and time zone a source left empty", () => {
  assert.deepEqual(completeGeo(berlin).country, "Germany");
  assert.deepEqual(completeGeo(berlin).timezone, "Europe/Berlin");
  assert.deepEqual(countryName("XX"), null);
});

Deno.test("geoStep() skips private IPs and reports a failing source without dropping", async () => {
  const calls: string[] = [];
  const step = geoStep({ lookup: (ip) => (calls.push(ip), Promise.resolve(berlin)) });
  assert.deepEqual((await step.run(draft({ ip: "10.1.2.3" }))).patch, {});
  assert.deepEqual((await step.run(draft({ ip: "85.214.132.64" }))).patch.geo?.city, "Berlin");
  assert.deepEqual(calls, ["85.214.132.64"]);
  const failing = geoStep({ lookup: () => Promise.reject(new Error("circuit open")) });
  const result = await failing.run(draft());
  assert.deepEqual(result.error, "Geo lookup of the IP failed: circuit open");
});
