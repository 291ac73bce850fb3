import assert from "node:assert/strict";
import { createIpBuckets } from "./ip_buckets.ts";

Deno.test("createIpBuckets() counts events per IP, refills over time and says how long to wait", () => {
  let now = 0;
  const buckets = createIpBuckets({ eventsPerSecond: 10, burst: 20, now: () => now });
  assert.equal(buckets.take("198.51.100.7", 15), 0);
  assert.equal(buckets.take("198.51.100.7", 5), 0);
  assert.equal(buckets.take("198.51.100.7", 10), 1, "empty: 10 events need a second");
  assert.equal(buckets.take("198.51.100.8", 20), 0, "another IP has its own bucket");
  now = 500;
  assert.equal(buckets.take("198.51.100.7", 5), 0, "half a second refilled 5");
  assert.equal(buckets.take("198.51.100.7", 1), 1);
  now = 60_000;
  assert.equal(buckets.take("198.51.100.7", 20), 0, "refills up to the burst");
  assert.equal(buckets.take("198.51.100.7", 1), 1);
});

Deno.test("createIpBuckets() groups IPv6 by /64, drains rather than refuses oversize requests, stays bounded", () => {
  const now = 0;
  const buckets = createIpBuckets({ eventsPerSecond: 1, burst: 2, maxEntries: 4, now: () => now });
  assert.equal(buckets.take("2001:db8:1:2::1", 2), 0);
  assert.equal(buckets.take("2001:db8:1:2:ffff::9", 1), 1, "same /64, same bucket");
  assert.equal(buckets.take("2001:db8:1:3::1", 1), 0);
  assert.equal(buckets.take("203.0.113.1", 50), 0, "a batch bigger than the bucket drains it");
  assert.equal(buckets.take("203.0.113.1", 1), 1);
  // Many IPs: the longest idle are forgotten, the busy one is kept (still empty).
  for (let i = 0; i < 10; i++) {
    buckets.take(`192.0.2.${i}`, 1);
    buckets.take("203.0.113.1", 0);
  }
  assert.equal(buckets.take("203.0.113.1", 1), 1);
});
