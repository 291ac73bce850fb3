/**
 * The real browser libraries, unchanged, in headless Chromium against the real ingest process:
 * Segment's analytics.js as the standard snippet loads it (`@segment/analytics-next`'s standalone
 * build) with its CDN and API host pointed at ingest, and RudderStack's JS SDK
 * (`@rudderstack/analytics-js`) with its config URL and data plane pointed at ingest. Each event
 * is found in ClickHouse by the message id and anonymous id the library generated.
 */
import assert from "node:assert/strict";
import { launchChromium } from "../shared/testing/chromium.ts";
import { startPipeline } from "./testing/pipeline.ts";
import { deleteVisitors, waitForEventIds } from "./testing/sdk.ts";
import {
  nodeModule,
  servePages,
  watchConsole,
  watchFailures,
  watchRequests,
} from "./testing/browser.ts";

const SEGMENT_UMD = "@segment/analytics-next/dist/umd/";

/** A page with a Segment-style loader: queue calls, load analytics.min.js, CDN = ingest. */
function segmentPage(opts: { writeKey: string; scriptOrigin: string; cdn: string }): string {
  return `<!doctype html><html><head><title>Segment page</title><script>
  (function () {
    var analytics = (window.analytics = window.analytics || []);
    ["track", "page", "identify", "group", "alias", "screen", "ready"].forEach(function (m) {
      analytics[m] = function () {
        var args = Array.prototype.slice.call(arguments);
        args.unshift(m);
        analytics.push(args);
        return analytics;
      };
    });
    analytics._writeKey = ${JSON.stringify(opts.writeKey)};
    // Segment's documented way to serve the library and its settings from your own host.
    analytics._cdn = ${JSON.stringify(opts.cdn)};
    var s = document.createElement("script");
    s.async = true;
    s.src = ${
    JSON.stringify(`${opts.scriptOrigin}/analytics.js/v1/${opts.writeKey}/analytics.min.js`)
  };
    document.head.appendChild(s);
    analytics.page();
  })();
  </script></head><body>shop</body></html>`;
}

Deno.test("analytics.js (standard snippet) sends to ingest and its events land in ClickHouse", async () => {
  await using pipeline = await startPipeline();
  const userId = `${pipeline.prefix}seg_browser_user`;
  const visitors = [userId];
  try {
    await using pages = servePages((path) => {
      if (path === "/") {
        return segmentPage({
          writeKey: pipeline.writeKey,
          scriptOrigin: pages.url,
          cdn: pipeline.ingest.url,
        });
      }
      if (path === `/analytics.js/v1/${pipeline.writeKey}/analytics.min.js`) {
        return nodeModule(`${SEGMENT_UMD}standalone.js`);
      }
      return undefined;
    });
    await using browser = await launchChromium();
    const page = await browser.newPage();
    const failures = watchFailures(page);
    const requests = watchRequests(page);
    await page.goto(pages.url + "/?utm_source=newsletter&utm_campaign=spring");
    await page.waitForFunction(() => !Array.isArray((window as { analytics?: unknown }).analytics));
    const ids = await page.evaluate(async (userId) => {
      type Ctx = { event: { messageId: string } };
      // deno-lint-ignore no-explicit-any
      const analytics = (window as any).analytics;
      const viewed: Ctx = await analytics.track("Product Viewed", { product_id: "p1", price: 9.5 });
      const identified: Ctx = await analytics.identify(userId, { plan: "pro" });
      const grouped: Ctx = await analytics.group("acme", { seats: 3 });
      return {
        anonymousId: analytics.user().anonymousId() as string,
        messageIds: [viewed, identified, grouped].map((c) => c.event.messageId),
      };
    }, userId);
    visitors.push(ids.anonymousId);
    const rows = await waitForEventIds(pipeline, visitors, ids.messageIds);
    const page_ = rows.find((r) => r.type === "page");
    assert.ok(page_, `the snippet's page() call is stored: ${JSON.stringify(rows)}`);
    assert.equal(page_.anonymous_id, ids.anonymousId);
    assert.deepEqual([page_.utm_source, page_.utm_campaign], ["newsletter", "spring"]);
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    assert.deepEqual(ids.messageIds.map((id) => byId.get(id)?.type), [
      "track",
      "identify",
      "group",
    ]);
    assert.equal(byId.get(ids.messageIds[0]!)?.original_event, "Product Viewed");
    assert.equal(byId.get(ids.messageIds[1]!)?.user_id, userId);
    // The endpoints it really called (nothing else: no Segment host), and none failed.
    assert.deepEqual(
      requests.filter((r) => !r.includes(pipeline.ingest.url) && !r.includes(pages.url)),
      [],
    );
    const ingestCalls = requests.filter((r) => r.includes(pipeline.ingest.url))
      .map((r) => r.replace(pipeline.ingest.url, "").replace(pipeline.writeKey, "<key>"));
    assert.deepEqual([...new Set(ingestCalls)].sort(), [
      "GET /v1/projects/<key>/settings",
      "POST /v1/g",
      "POST /v1/i",
      "POST /v1/p",
      "POST /v1/t",
    ]);
    assert.deepEqual(failures, []);
  } finally {
    await deleteVisitors(pipeline, visitors);
  }
});

/** A page loading RudderStack's bundled browser build with config URL and data plane = ingest. */
function rudderPage(opts: { writeKey: string; ingest: string; beacon?: boolean }): string {
  const options = {
    configUrl: opts.ingest,
    ...(opts.beacon ? { useBeacon: true, beaconQueueOptions: { flushQueueInterval: 500 } } : {}),
  };
  return `<!doctype html><html><head><title>Rudder page</title>
  <script src="/rudder-analytics.js"></script>
  <script>
    window.ra = new rudderanalytics.RudderAnalytics();
    ra.load(${JSON.stringify(opts.writeKey)}, ${JSON.stringify(opts.ingest)}, ${
    JSON.stringify(options)
  });
    ra.page();
  </script></head><body>shop</body></html>`;
}

Deno.test("RudderStack's JS SDK sends to ingest and its events land in ClickHouse", async () => {
  await using pipeline = await startPipeline();
  const userId = `${pipeline.prefix}rs_browser_user`;
  const visitors = [userId];
  try {
    await using pages = servePages({
      "/": rudderPage({ writeKey: pipeline.writeKey, ingest: pipeline.ingest.url }),
      "/beacon": rudderPage({
        writeKey: pipeline.writeKey,
        ingest: pipeline.ingest.url,
        beacon: true,
      }),
      "/rudder-analytics.js": nodeModule(
        "@rudderstack/analytics-js/dist/npm/modern/bundled/umd/index.js",
      ),
    });
    await using browser = await launchChromium();
    const page = await browser.newPage();
    const failures = watchFailures(page);
    const requests = watchRequests(page);
    const console = watchConsole(page);
    await page.goto(pages.url + "/?utm_source=ads&gclid=gc123");
    const ids = await page.evaluate(async (userId) => {
      // deno-lint-ignore no-explicit-any
      const ra = (window as any).ra;
      await new Promise<void>((resolve) => ra.ready(resolve));
      const call = (fn: (done: (event: { messageId: string }) => void) => void) =>
        new Promise<string>((resolve) => fn((event) => resolve(event.messageId)));
      const viewed = await call((done) => ra.track("Product Viewed", { price: 12 }, done));
      const identified = await call((done) => ra.identify(userId, { plan: "team" }, done));
      const grouped = await call((done) => ra.group("acme", { seats: 9 }, done));
      return {
        anonymousId: ra.getAnonymousId() as string,
        messageIds: [viewed, identified, grouped],
      };
    }, userId);
    visitors.push(ids.anonymousId);
    const rows = await waitForEventIds(pipeline, visitors, ids.messageIds).catch((error) => {
      throw new Error(
        `${error.message}\nrequests: ${requests.join("\n")}\nfailures: ${failures}\nconsole: ${
          console.join("\n")
        }`,
      );
    });
    const page_ = rows.find((r) => r.type === "page");
    assert.ok(page_, `the page() call is stored: ${JSON.stringify(rows)}`);
    assert.equal(page_.anonymous_id, ids.anonymousId);
    assert.deepEqual([page_.utm_source, page_.click_id_type, page_.click_id], [
      "ads",
      "gclid",
      "gc123",
    ]);
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    assert.deepEqual(ids.messageIds.map((id) => byId.get(id)?.type), [
      "track",
      "identify",
      "group",
    ]);
    assert.equal(byId.get(ids.messageIds[1]!)?.user_id, userId);
    const ingestCalls = requests.filter((r) => r.includes(pipeline.ingest.url))
      .map((r) => r.replace(pipeline.ingest.url, "").replace(/\?.*/, ""));
    assert.deepEqual([...new Set(ingestCalls)].sort(), [
      "GET /sourceConfig/",
      "POST /v1/group",
      "POST /v1/identify",
      "POST /v1/page",
      "POST /v1/track",
    ]);
    assert.deepEqual(
      requests.filter((r) => !r.includes(pipeline.ingest.url) && !r.includes(pages.url)),
      [],
    );
    assert.deepEqual(failures, []);

    // The beacon transport (useBeacon): batches by sendBeacon, key in the query string.
    const beaconPage = await browser.newPage();
    const beaconRequests = watchRequests(beaconPage);
    const beaconFailures = watchFailures(beaconPage);
    await beaconPage.goto(pages.url + "/beacon");
    const beacon = await beaconPage.evaluate(async () => {
      // deno-lint-ignore no-explicit-any
      const ra = (window as any).ra;
      await new Promise<void>((resolve) => ra.ready(resolve));
      const messageId = await new Promise<string>((resolve) =>
        ra.track(
          "Beacon Sent",
          { n: 1 },
          (event: { messageId: string }) => resolve(event.messageId),
        )
      );
      return { anonymousId: ra.getAnonymousId() as string, messageId };
    });
    visitors.push(beacon.anonymousId);
    await waitForEventIds(pipeline, [beacon.anonymousId], [beacon.messageId]);
    assert.ok(
      beaconRequests.some((r) =>
        r.startsWith(`POST ${pipeline.ingest.url}/beacon/v1/batch?writeKey=`)
      ),
      beaconRequests.join("\n"),
    );
    assert.deepEqual(beaconFailures, []);
  } finally {
    await deleteVisitors(pipeline, visitors);
  }
});
