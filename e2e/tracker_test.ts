/**
 * The first-party tracker (`/sdk/eventflow.js`, served by the real ingest process) in headless
 * Chromium on a demo shop page of another origin: a funnel with SPA navigation lands every event,
 * in order, in ClickHouse; failed sends are retried with the same events; consent, Do-Not-Track
 * and blocked localStorage behave as documented.
 */
import assert from "node:assert/strict";
import type { BrowserContext, Page, Request } from "playwright-core";
import { waitFor } from "../shared/testing/stores.ts";
import { launchChromium } from "../shared/testing/chromium.ts";
import { type Pipeline, startPipeline } from "./testing/pipeline.ts";
import { deleteVisitors, eventsOf, waitForEventIds, waitForEvents } from "./testing/sdk.ts";
import { servePages, watchConsole, watchFailures } from "./testing/browser.ts";

/** A small shop: one tag, then buttons calling the tracker. */
function demoShop(pipeline: Pipeline, opts: { attrs?: string; inline?: string } = {}): string {
  return `<!doctype html><html><head><title>Demo shop</title>
  <script async src="${pipeline.ingest.url}/sdk/eventflow.js"
    data-write-key="${pipeline.writeKey}" ${opts.attrs ?? ""}></script>
  <script>${opts.inline ?? ""}</script></head><body>
  <button id="view" onclick="history.pushState({}, '', '/products/p1');
    eventflow.track('Product Viewed', {product_id: 'p1', price: 49})">view</button>
  <button id="add" onclick="eventflow.track('Product Added', {product_id: 'p1'})">add</button>
  <button id="cart" onclick="history.pushState({}, '', '/cart')">cart</button>
  </body></html>`;
}

interface SentBatch {
  request: Request;
  messages: Record<string, unknown>[];
}

/**
 * Bodies of the tracker's POSTs to /v1/batch, parsed. Watched on the browser context: a beacon
 * sent while a page unloads is reported there, not on the page.
 */
function watchBatches(context: BrowserContext): SentBatch[] {
  const batches: SentBatch[] = [];
  context.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/v1/batch")) {
      batches.push({ request, messages: JSON.parse(request.postData() ?? "{}").batch ?? [] });
    }
  });
  return batches;
}

const pathOf = (url: string) => new URL(url).pathname;

Deno.test("eventflow.js: a shop funnel with SPA navigation lands in ClickHouse in order", async () => {
  await using pipeline = await startPipeline();
  const userId = `${pipeline.prefix}shopper`;
  const visitors = [userId];
  try {
    await using pages = servePages((path) =>
      path === "/" || path.startsWith("/products") || path === "/cart"
        // A call queued before the async script loads, as the README shows.
        ? demoShop(pipeline, {
          inline: `(window.eventflow = window.eventflow || []).push(["track", "Shop Opened"]);`,
        })
        : undefined
    );
    await using browser = await launchChromium();
    const page = await browser.newPage();
    const failures = watchFailures(page);
    const console = watchConsole(page);
    const batches = watchBatches(page.context());
    await page.goto(
      `${pages.url}/?utm_source=newsletter&utm_medium=email&utm_campaign=spring&gclid=gc_42`,
    );
    await page.waitForFunction(() => "eventflow" in window);
    const anonymousId = await page.evaluate(() =>
      (window as unknown as { eventflow: { anonymousId(): string } }).eventflow.anonymousId()
    );
    visitors.push(anonymousId);
    assert.equal(await page.evaluate(() => localStorage.getItem("ef_aid")), anonymousId);

    await page.click("#view"); // pushState → page view, then a track
    await page.click("#add");
    await page.click("#cart"); // pushState → page view
    await page.evaluate(({ id, orderId }) => {
      // deno-lint-ignore no-explicit-any
      const { eventflow, history, location } = window as any;
      eventflow.identify(id, { plan: "gold" });
      eventflow.track("Order Completed", { order_id: orderId, revenue: 49, currency: "USD" });
      history.replaceState({}, "", location.href); // same URL: no page view
    }, { id: userId, orderId: `${pipeline.prefix}order_1` });
    await page.goBack(); // popstate → page view of /products/p1
    await page.waitForURL(/\/products\/p1$/);
    // One more call and straight away leave: the batching delay (1 s) cannot have passed, so
    // only the page-hide handler's sendBeacon can deliver it. (Playwright does not report a
    // beacon sent by an unloading page; it is found in ClickHouse by the visitor's ids.)
    await page.evaluate(() => {
      (window as unknown as { eventflow: { track(e: string): void } }).eventflow.track(
        "Review Started",
      );
    });
    const failuresBeforeLeaving = [...failures];
    await page.goto("about:blank");

    const rows = await waitForEvents(pipeline, visitors, {
      done: (rows) => rows.length >= 10,
      what: "10 events of the funnel",
    }).catch((error) => {
      throw new Error(`${error.message}\nfailures: ${failures}\nconsole: ${console.join("\n")}`);
    });
    // In the order the tracker recorded them (client_timestamp; the skew-corrected `timestamp`
    // of events sent in different requests a few ms apart can swap with network jitter).
    assert.deepEqual(
      rows.map((r) => [r.type, r.original_event, pathOf(r.url || JSON.parse(r.context).page.url)]),
      [
        ["page", "page_view", "/"],
        ["track", "Shop Opened", "/"],
        ["page", "page_view", "/products/p1"],
        ["track", "Product Viewed", "/products/p1"],
        ["track", "Product Added", "/products/p1"],
        ["page", "page_view", "/cart"],
        ["identify", "identify", "/cart"],
        ["track", "Order Completed", "/cart"],
        ["page", "page_view", "/products/p1"],
        ["track", "Review Started", "/products/p1"],
      ],
    );
    const seen = batches.flatMap((b) => b.messages.map((m) => m.messageId as string));
    const stored = rows.map((r) => r.event_id);
    assert.ok(seen.every((id) => stored.includes(id)), "stored under the tracker's ids");
    const byFetch = batches.filter((b) => b.request.resourceType() === "fetch")
      .flatMap((b) => b.messages.map((m) => m.messageId));
    assert.ok(!byFetch.includes(stored[9]!), "the last event went by sendBeacon, not fetch");
    for (const row of rows) {
      assert.equal(row.anonymous_id, anonymousId);
      // Attribution of the landing URL stays on every event of the visit.
      assert.deepEqual(
        [row.utm_source, row.utm_campaign, row.click_id_type, row.click_id],
        ["newsletter", "spring", "gclid", "gc_42"],
      );
    }
    assert.deepEqual(rows.slice(6).map((r) => r.user_id), [userId, userId, userId, userId]);
    assert.deepEqual(failuresBeforeLeaving, []);
    // Leaving the page detaches a keepalive fetch still in flight from it, which Playwright
    // reports as aborted; the browser still delivers it (every event is in ClickHouse above).
    assert.deepEqual(
      failures.slice(failuresBeforeLeaving.length).filter((f) =>
        !/^POST http:\/\/127\.0\.0\.1:\d+\/v1\/batch → net::ERR_ABORTED$/.test(f)
      ),
      [],
    );
  } finally {
    await deleteVisitors(pipeline, visitors);
  }
});

Deno.test("eventflow.js: retries with backoff, consent, Do-Not-Track, cookie fallback", async (t) => {
  await using pipeline = await startPipeline();
  const visitors: string[] = [];
  await using pages = servePages({ "/": demoShop(pipeline, { attrs: 'data-auto-page="false"' }) });
  await using browser = await launchChromium();
  const track = (page: Page, event: string) =>
    page.evaluate((event) => {
      (window as unknown as { eventflow: { track(e: string): void } }).eventflow.track(event);
    }, event);
  const open = async (init?: () => void) => {
    const context = await browser.newContext();
    if (init) await context.addInitScript(init);
    const page = await context.newPage();
    await page.clock.install();
    const batches = watchBatches(context);
    await page.goto(pages.url + "/");
    await page.waitForFunction(() => "eventflow" in window);
    const anonymousId = await page.evaluate(() =>
      (window as unknown as { eventflow: { anonymousId(): string } }).eventflow.anonymousId()
    );
    visitors.push(anonymousId);
    return { page, batches, anonymousId };
  };

  try {
    await t.step("a batch answered 503 is resent, same events, after a backoff", async () => {
      const { page, batches, anonymousId } = await open();
      let answered = 0;
      await page.route("**/v1/batch", (route) => {
        answered++;
        return answered <= 2
          ? route.fulfill({ status: 503, body: '{"error":{"code":"KAFKA_UNAVAILABLE"}}' })
          : route.continue();
      });
      await track(page, "Checkout Started");
      // Fake time: the 1 s batching delay, then backoffs of ~1 s and ~2 s.
      await waitFor(async () => {
        await page.clock.runFor(1000);
        return answered >= 3;
      }, { message: "three attempts" });
      const sent = batches.map((b) => b.messages.map((m) => m.messageId));
      assert.equal(sent.length, 3);
      assert.deepEqual(sent[1], sent[0]);
      assert.deepEqual(sent[2], sent[0]);
      const rows = await waitForEventIds(pipeline, [anonymousId], sent[0] as string[]);
      assert.deepEqual(rows.map((r) => r.original_event), ["Checkout Started"]);
      // Succeeded: nothing more is sent.
      await page.clock.runFor(120_000);
      assert.equal(answered, 3);
    });

    await t.step("consent(false) stops sending; consent(true) resumes", async () => {
      const { page, batches, anonymousId } = await open();
      await page.evaluate(() => {
        (window as unknown as { eventflow: { consent(v: boolean): void } }).eventflow.consent(
          false,
        );
      });
      await track(page, "Hidden Step");
      await page.clock.runFor(5000);
      assert.equal(batches.length, 0, "nothing sent");
      assert.equal(await page.evaluate(() => localStorage.getItem("ef_consent")), "0");
      await page.evaluate(() => {
        (window as unknown as { eventflow: { consent(v: boolean): void } }).eventflow.consent(
          true,
        );
      });
      await track(page, "Visible Step");
      await waitFor(async () => {
        await page.clock.runFor(1000);
        return batches.length > 0;
      }, { message: "a batch after consent" });
      const ids = batches.flatMap((b) => b.messages.map((m) => m.messageId as string));
      const rows = await waitForEventIds(pipeline, [anonymousId], ids);
      assert.deepEqual(rows.map((r) => r.original_event), ["Visible Step"]);
    });

    await t.step("Do-Not-Track: nothing is sent", async () => {
      const { page, batches, anonymousId } = await open(() => {
        Object.defineProperty(Navigator.prototype, "doNotTrack", { get: () => "1" });
      });
      await track(page, "Tracked Despite DNT");
      await page.evaluate(() =>
        (window as unknown as { eventflow: { flush(): void } }).eventflow.flush()
      );
      await page.clock.runFor(5000);
      assert.equal(batches.length, 0, "nothing sent");
      assert.deepEqual(await eventsOf(pipeline, [anonymousId]), []);
    });

    await t.step("reset() starts a new anonymous visitor; page(name, properties)", async () => {
      const { page, batches, anonymousId } = await open();
      const someone = `${pipeline.prefix}someone`;
      const next = await page.evaluate((someone) => {
        // deno-lint-ignore no-explicit-any
        const eventflow = (window as any).eventflow;
        eventflow.identify(someone, { plan: "pro" });
        eventflow.track("Logged Out");
        eventflow.reset();
        eventflow.page("Pricing", { tier: "team" });
        return eventflow.anonymousId() as string;
      }, someone);
      visitors.push(next, someone);
      await waitFor(async () => {
        await page.clock.runFor(1000);
        return batches.length > 0;
      }, { message: "a batch" });
      const sent = batches.flatMap((b) => b.messages);
      assert.deepEqual(
        sent.map((m) => [m.type, m.anonymousId, m.userId ?? null]),
        [
          ["identify", anonymousId, someone],
          ["track", anonymousId, someone],
          ["page", next, null],
        ],
      );
      assert.notEqual(next, anonymousId);
      const pageCall = sent[2] as { name: string; properties: Record<string, string> };
      assert.deepEqual([pageCall.name, pageCall.properties.tier], ["Pricing", "team"]);
      assert.equal(pageCall.properties.path, "/");
    });

    await t.step(
      "localStorage blocked: the anonymous id lives in a first-party cookie",
      async () => {
        const blockStorage = () => {
          Object.defineProperty(window, "localStorage", {
            get: () => {
              throw new DOMException("blocked", "SecurityError");
            },
          });
        };
        const first = await open(blockStorage);
        const cookie = (await first.page.context().cookies()).find((c) => c.name === "ef_aid");
        assert.equal(cookie?.value, first.anonymousId);
        await first.page.reload();
        await first.page.waitForFunction(() => "eventflow" in window);
        assert.equal(
          await first.page.evaluate(() =>
            (window as unknown as { eventflow: { anonymousId(): string } }).eventflow.anonymousId()
          ),
          first.anonymousId,
        );
        await track(first.page, "Cookie Visitor");
        await waitFor(async () => {
          await first.page.clock.runFor(1000);
          return first.batches.length > 0;
        }, { message: "a batch from the cookie visitor" });
        const ids = first.batches.flatMap((b) => b.messages.map((m) => m.messageId as string));
        const rows = await waitForEventIds(pipeline, [first.anonymousId], ids);
        assert.deepEqual(rows.map((r) => r.anonymous_id), [first.anonymousId]);
      },
    );
  } finally {
    await deleteVisitors(pipeline, visitors);
  }
});
