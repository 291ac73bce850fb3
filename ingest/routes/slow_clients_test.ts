/**
 * Slow-loris clients against the app served by Deno.serve, over raw TCP: a body trickled byte by
 * byte is answered 408 at its deadline and frees its in-flight slot; beyond the in-flight cap,
 * 503 at once. (Deno.serve 2.9 keeps the socket itself open after the 408 while the client keeps
 * trickling, and has no header deadline: see docs/security.md, 12.)
 */
import assert from "node:assert/strict";
import { post, testApp } from "../testing/app.ts";
import type { IngestDeps } from "./deps.ts";

const encoder = new TextEncoder();

async function served(limits: Partial<IngestDeps["limits"]>) {
  const { deps } = await testApp();
  const { app } = await testApp({ limits: { ...deps.limits, ...limits } });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => app.fetch(request, { remoteAddr: "127.0.0.1" }),
  );
  return {
    port: server.addr.port,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** Reads until `marker` arrived, the peer closed, or `limitMs` passed; returns what came. */
async function readUntil(conn: Deno.Conn, marker: string, limitMs: number): Promise<string> {
  let text = "";
  const buf = new Uint8Array(4096);
  const timer = setTimeout(() => conn.close(), limitMs);
  try {
    while (!text.includes(marker)) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
  } catch {
    // Closed by our own timer: nothing more came within the limit.
  } finally {
    clearTimeout(timer);
  }
  return text;
}

Deno.test("a body trickled byte by byte is answered 408 at its deadline (#13, 12)", async () => {
  const deadlineMs = 300;
  await using server = await served({ bodyTimeoutMs: deadlineMs });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  const auth = btoa("good_key:");
  await conn.write(encoder.encode(
    "POST /api/v1/event HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
      `Authorization: Basic ${auth}\r\nContent-Length: 200\r\n\r\n{"user_id":`,
  ));
  // Keep trickling (ignoring errors once the server hangs up) while waiting for the answer.
  let trickling = true;
  const trickle = (async () => {
    while (trickling) {
      await new Promise((r) => setTimeout(r, 50));
      await conn.write(encoder.encode(" ")).catch(() => (trickling = false));
    }
  })();
  const text = await readUntil(conn, "REQUEST_TIMEOUT", deadlineMs * 10);
  trickling = false;
  await trickle;
  try {
    conn.close();
  } catch { /* closed */ }
  assert.match(text, /^HTTP\/1\.1 408 /);
  assert.match(text, /"code":"REQUEST_TIMEOUT"/);
  assert.match(text, /did not arrive within 300 ms/);
});

Deno.test("beyond the in-flight cap requests are answered 503 INGEST_OVERLOADED at once (#13, 12)", async () => {
  await using server = await served({ bodyTimeoutMs: 2000, maxInflightRequests: 2 });
  const slow: Deno.Conn[] = [];
  for (let i = 0; i < 2; i++) {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    await conn.write(encoder.encode(
      "POST /api/v1/event HTTP/1.1\r\nHost: x\r\nX-Write-Key: good_key\r\n" +
        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    ));
    slow.push(conn);
  }
  // Both slow requests are in the handler once their headers are in; give the server a moment.
  let res: Response | undefined;
  for (let attempt = 0; attempt < 50; attempt++) {
    res = await fetch(`http://127.0.0.1:${server.port}/api/v1/event`, {
      ...post({ user_id: "u", event_type: "e" }, { key: "good_key" }),
    });
    if (res.status === 503) break;
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(res!.status, 503);
  assert.equal(res!.headers.get("retry-after"), "1");
  assert.equal(res!.headers.get("access-control-allow-origin"), "*", "a browser can read it");
  const body = await res!.json();
  assert.equal(body.error.code, "INGEST_OVERLOADED");
  assert.match(body.error.message, /2 requests are in progress/);
  for (const conn of slow) {
    const text = await readUntil(conn, "REQUEST_TIMEOUT", 10_000);
    assert.match(text, /^HTTP\/1\.1 408 /, "the slow ones still end at their deadline");
    try {
      conn.close();
    } catch { /* closed */ }
  }
  // Once they are gone, requests are served again.
  const ok = await fetch(`http://127.0.0.1:${server.port}/api/v1/event`, {
    ...post({ user_id: "u", event_type: "e" }, { key: "good_key" }),
  });
  assert.equal(ok.status, 200, await ok.text());
});
