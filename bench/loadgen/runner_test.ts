import assert from "node:assert/strict";
import { createShop } from "./model/mod.ts";
import { summaryTable } from "./report.ts";
import { runBackfill, runMax, runRate } from "./runner.ts";
import type { OutgoingRequest, SendResult } from "./sender.ts";
import type { Clock } from "./scheduler.ts";

function fakeClock(): Clock & { t: number } {
  const c = {
    t: 0,
    now: () => c.t,
    sleep: (ms: number) =>
      new Promise<void>((r) =>
        setTimeout(() => {
          c.t += Math.max(ms, 0);
          r();
        }, 0)
      ),
  };
  return c;
}

function recordingSend(reqs: OutgoingRequest[], answer?: (r: OutgoingRequest) => SendResult) {
  return (req: OutgoingRequest) => {
    reqs.push(req);
    return Promise.resolve(
      answer?.(req) ?? { status: 200, accepted: req.events, rejected: 0, error: null },
    );
  };
}

Deno.test("runRate() offers rate × duration events on the batch path and tallies them", async () => {
  const reqs: OutgoingRequest[] = [];
  const s = await runRate(
    {
      shop: createShop({ seed: 1 }),
      send: recordingSend(reqs),
      clock: fakeClock(),
      wallNow: () => 1_760_000_000_000,
    },
    { rate: 1000, durationS: 2, batch: 10 },
  );
  assert.equal(reqs.length, 200);
  assert.ok(reqs.every((r) => r.path === "/api/v1/events" && r.events === 10));
  assert.deepEqual([s.sent, s.accepted, s.rejected, s.errors, s.requests], [2000, 2000, 0, 0, 200]);
  const body = JSON.parse(reqs[0]!.body);
  assert.equal(body.events.length, 10);
  assert.equal(body.events[0].timestamp, new Date(1_760_000_000_000).toISOString());
  assert.equal(s.achievedRate, 1000);
  assert.match(summaryTable(s), /achieved rate +1000\.0 events\/s \(100\.0 req\/s\)/);
});

Deno.test("runRate() single events go to the single path with the device's User-Agent", async () => {
  const reqs: OutgoingRequest[] = [];
  const s = await runRate(
    {
      shop: createShop({ seed: 2 }),
      send: recordingSend(
        reqs,
        (r) =>
          r.body.includes('"search"')
            ? { status: 400, accepted: 0, rejected: 1, error: null }
            : { status: 503, accepted: 0, rejected: 0, error: "HTTP 503: down" },
      ),
      clock: fakeClock(),
    },
    { rate: 100, durationS: 1, batch: 1 },
  );
  assert.equal(reqs.length, 100);
  assert.ok(
    reqs.every((r) =>
      r.path === "/api/v1/event" && r.userAgent === JSON.parse(r.body).context.userAgent
    ),
  );
  assert.equal(s.rejected + s.errors, 100);
  assert.deepEqual(s.errorSamples, ["HTTP 503: down"]);
});

Deno.test("runMax() stops at the deadline with every worker's requests counted", async () => {
  const clock = fakeClock();
  const reqs: OutgoingRequest[] = [];
  const s = await runMax(
    {
      shop: createShop({ seed: 3 }),
      clock,
      send: async (req) => {
        reqs.push(req);
        await clock.sleep(10); // each request takes 10 ms of fake time
        return { status: 200, accepted: req.events, rejected: 0, error: null };
      },
    },
    { durationS: 0.1, batch: 5, concurrency: 4 },
  );
  assert.equal(s.requests, reqs.length);
  assert.equal(s.accepted, reqs.length * 5);
  assert.ok(reqs.length >= 4 && reqs.length <= 44, `${reqs.length} requests`);
});

Deno.test("runBackfill() sends exactly N events, all in the past window, in batches", async () => {
  const end = Date.UTC(2026, 5, 1);
  const reqs: OutgoingRequest[] = [];
  const s = await runBackfill(
    {
      shop: createShop({ seed: 4 }),
      send: recordingSend(reqs),
      clock: fakeClock(),
      wallNow: () => end,
    },
    { total: 2345, days: 10, batch: 500, concurrency: 3 },
  );
  assert.equal(s.sent, 2345);
  assert.deepEqual(reqs.map((r) => r.events), [500, 500, 500, 500, 345]);
  const times = reqs.flatMap((r) =>
    JSON.parse(r.body).events.map((e: { timestamp: string }) => Date.parse(e.timestamp))
  );
  assert.ok(Math.min(...times) >= end - 10 * 86_400_000);
  assert.ok(Math.max(...times) <= end);
  assert.ok(Math.max(...times) - Math.min(...times) > 9 * 86_400_000, "events span the window");
});
