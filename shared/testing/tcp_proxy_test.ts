import assert from "node:assert/strict";
import { rewriteAdvertisedPort } from "./kafka_proxy.ts";
import { startTcpProxy } from "./tcp_proxy.ts";

function echoServer(): { port: number; close(): Promise<void> } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    for await (const conn of listener) conn.readable.pipeTo(conn.writable).catch(() => {});
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async close() {
      listener.close();
      await serving;
    },
  };
}

async function roundTrip(port: number, text: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(text));
    const buf = new Uint8Array(64);
    const n = await conn.read(buf);
    return new TextDecoder().decode(buf.subarray(0, n ?? 0));
  } finally {
    conn.close();
  }
}

Deno.test("tcp proxy forwards, refuses connections while paused and forwards again on the same port", async () => {
  const echo = echoServer();
  await using proxy = startTcpProxy({ hostname: "127.0.0.1", port: echo.port });
  try {
    assert.equal(await roundTrip(proxy.port, "hello"), "hello");
    const held = await Deno.connect({ hostname: "127.0.0.1", port: proxy.port });
    await proxy.pause();
    // The held connection is dropped: the next read sees end of stream or a reset.
    const dropped = await held.read(new Uint8Array(8)).catch(() => null);
    held.close();
    assert.equal(dropped, null);
    await assert.rejects(
      Deno.connect({ hostname: "127.0.0.1", port: proxy.port }),
      Deno.errors.ConnectionRefused,
    );
    proxy.resume();
    assert.equal(await roundTrip(proxy.port, "again"), "again");
    assert.equal(proxy.accepted, 3);
  } finally {
    await echo.close();
  }
});

Deno.test("rewriteAdvertisedPort replaces the broker's host+port and nothing else", () => {
  const host = new TextEncoder().encode("127.0.0.1");
  const frame = new Uint8Array(4 + 2 + host.length + 4 + 4);
  const view = new DataView(frame.buffer);
  view.setInt32(0, 42); // a field before the host that must not change
  view.setInt16(4, host.length);
  frame.set(host, 6);
  view.setInt32(6 + host.length, 9092);
  view.setInt32(10 + host.length, 9092); // a bare 9092 not after the host stays
  rewriteAdvertisedPort(frame, "127.0.0.1", 9092, 40123);
  assert.deepEqual(
    [view.getInt32(0), view.getInt32(6 + host.length), view.getInt32(10 + host.length)],
    [42, 40123, 9092],
  );
});
