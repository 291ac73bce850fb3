/**
 * The real server-side client libraries, unchanged, against the real ingest process: Segment's
 * `@segment/analytics-node` and RudderStack's `@rudderstack/rudder-sdk-node` (gzip JSON labelled
 * as a form). Each event is found in ClickHouse by the message id the library generated.
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { Analytics as SegmentAnalytics } from "@segment/analytics-node";
import RudderAnalytics from "@rudderstack/rudder-sdk-node";
import { startPipeline } from "./testing/pipeline.ts";
import { deleteVisitors, waitForEventIds } from "./testing/sdk.ts";

Deno.test("@segment/analytics-node batches land in ClickHouse with the library's message ids", async () => {
  await using pipeline = await startPipeline();
  const anonymousId = `${pipeline.prefix}seg_anon`;
  const userId = `${pipeline.prefix}seg_user`;
  try {
    const analytics = new SegmentAnalytics({
      writeKey: pipeline.writeKey,
      host: pipeline.ingest.url,
      flushAt: 10,
      maxRetries: 0,
    });
    const errors: unknown[] = [];
    analytics.on("error", (error) => errors.push(error));
    const ids: string[] = [];
    const sent =
      (resolve: () => void) => (err: unknown, ctx?: { event: { messageId?: string } }) => {
        if (err) errors.push(err);
        if (ctx?.event.messageId) ids.push(ctx.event.messageId);
        resolve();
      };
    await Promise.all([
      new Promise<void>((r) =>
        analytics.page({
          anonymousId,
          name: "Pricing",
          properties: { url: "https://shop.example/pricing" },
        }, sent(r))
      ),
      new Promise<void>((r) =>
        analytics.track(
          { anonymousId, event: "Plan Selected", properties: { plan: "pro" } },
          sent(r),
        )
      ),
      new Promise<void>((r) =>
        analytics.identify({ userId, anonymousId, traits: { plan: "pro" } }, sent(r))
      ),
      new Promise<void>((r) => analytics.alias({ userId, previousId: anonymousId }, sent(r))),
      analytics.closeAndFlush({ timeout: 20_000 }),
    ]);
    assert.deepEqual(errors, []);
    assert.equal(ids.length, 4);
    const rows = await waitForEventIds(pipeline, [anonymousId, userId], ids);
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    assert.deepEqual(
      ids.map((id) => [byId.get(id)?.type, byId.get(id)?.event, byId.get(id)?.original_event]),
      [
        ["page", "page_view", "page_view"],
        ["track", "plan_selected", "Plan Selected"],
        ["identify", "identify", "identify"],
        ["alias", "alias", "alias"],
      ],
    );
    assert.equal(byId.get(ids[1]!)?.anonymous_id, anonymousId);
    assert.equal(JSON.parse(byId.get(ids[1]!)!.properties).plan, "pro");
    assert.equal(JSON.parse(byId.get(ids[1]!)!.context).library.name, "@segment/analytics-node");
  } finally {
    await deleteVisitors(pipeline, [anonymousId, userId]);
  }
});

Deno.test("@rudderstack/rudder-sdk-node gzip batches land in ClickHouse with the library's message ids", async () => {
  await using pipeline = await startPipeline();
  const anonymousId = `${pipeline.prefix}rs_anon`;
  const userId = `${pipeline.prefix}rs_user`;
  try {
    const errors: unknown[] = [];
    const client = new RudderAnalytics(pipeline.writeKey, {
      dataPlaneUrl: pipeline.ingest.url,
      flushAt: 10,
      flushInterval: 60_000,
      retryCount: 0,
      errorHandler: (error: unknown) => errors.push(error),
    });
    // Each call's callback gets the request body its batch went in: gzip JSON (the package's
    // types declare the callback without arguments).
    const bodies: Promise<Uint8Array>[] = [];
    const sent = (): () => void => {
      let done!: (err: unknown, data: Uint8Array) => void;
      bodies.push(
        new Promise((resolve, reject) => done = (err, data) => (err ? reject(err) : resolve(data))),
      );
      return done as unknown as () => void;
    };
    client.page(
      { anonymousId, name: "Docs", properties: { url: "https://shop.example/docs" } },
      sent(),
    );
    client.track({ anonymousId, event: "Trial Started", properties: { days: 14 } }, sent());
    client.identify({ userId, anonymousId, traits: { company: "Acme" } }, sent());
    client.group({ userId, groupId: `${pipeline.prefix}acme`, traits: { seats: 5 } }, sent());
    client.screen({ userId, name: "Settings" }, sent());
    await client.flush();
    const messages = new Map<string, { messageId: string; type: string }>();
    for (const body of new Set(await Promise.all(bodies))) {
      const json = JSON.parse(new TextDecoder().decode(gunzipSync(body))) as {
        batch: { messageId: string; type: string }[];
      };
      for (const message of json.batch) messages.set(message.messageId, message);
    }
    assert.deepEqual(errors, []);
    const sentBatch = [...messages.values()];
    assert.deepEqual(sentBatch.map((m) => m.type), [
      "page",
      "track",
      "identify",
      "group",
      "screen",
    ]);
    const ids = sentBatch.map((m) => m.messageId);
    const rows = await waitForEventIds(pipeline, [anonymousId, userId], ids);
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    assert.deepEqual(
      ids.map((id) => [byId.get(id)?.type, byId.get(id)?.event]),
      [
        ["page", "page_view"],
        ["track", "trial_started"],
        ["identify", "identify"],
        ["group", "group"],
        ["screen", "screen_view"],
      ],
    );
    assert.equal(JSON.parse(byId.get(ids[1]!)!.properties).days, 14);
  } finally {
    await deleteVisitors(pipeline, [anonymousId, userId]);
  }
});
