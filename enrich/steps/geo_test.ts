import { assertEquals } from "../_test_util.ts";
import { draft } from "../_fixtures.ts";
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
  assertEquals(timezoneFor("DE", 52.5, 13.4), "Europe/Berlin");
  assertEquals(timezoneFor("US", 40.7, -74.0), "America/New_York");
  assertEquals(timezoneFor("US", 34.05, -118.24), "America/Los_Angeles");
  assertEquals(timezoneFor("RU", 55.75, 37.6), "Europe/Moscow");
  assertEquals(timezoneFor("FR", null, null), "Europe/Paris");
  assertEquals(timezoneFor("ZZ", 1, 1), null);
});

Deno.test("completeGeo() adds the country name and time zone a source left empty", () => {
  assertEquals(completeGeo(berlin).country, "Germany");
  assertEquals(completeGeo(berlin).timezone, "Europe/Berlin");
  assertEquals(countryName("XX"), null);
});

Deno.test("geoStep() skips private IPs and reports a failing source without dropping", async () => {
  const calls: string[] = [];
  const step = geoStep({ lookup: (ip) => (calls.push(ip), Promise.resolve(berlin)) });
  assertEquals((await step.run(draft({ ip: "10.1.2.3" }))).patch, {});
  assertEquals((await step.run(draft({ ip: "85.214.132.64" }))).patch.geo?.city, "Berlin");
  assertEquals(calls, ["85.214.132.64"]);
  const failing = geoStep({ lookup: () => Promise.reject(new Error("circuit open")) });
  const result = await failing.run(draft());
  assertEquals(result.error, "Geo lookup of the IP failed: circuit open");
});
