import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { FakeClock } from "../time.ts";
import { drainingService, serveUntilSignal } from "./serve.ts";

/** A service whose `/readyz` turns 503 on the signal, recording what happened in order. */
function readinessServer(opts: { drainDelayMs: number; clock?: FakeClock }) {
  const events: string[] = [];
  let draining = false;
  const server = serveUntilSignal(
    () => new Response(draining ? "draining" : "ready", { status: draining ? 503 : 200 }),
    {
      port: 0,
      hostname: "127.0.0.1",
      logger: createLogger("test", { level: "error" }),
      drainDelayMs: opts.drainDelayMs,
      clock: opts.clock,
      onSignal: () => {
        draining = true;
        events.push("signal");
      },
      onShutdown: () => {
        events.push("closed");
        return Promise.resolve();
      },
    },
  );
  const readyz = async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/readyz`);
    const line = `${response.status} ${await response.text()}`;
    events.push(line);
    return line;
  };
  return { server, events, readyz };
}

Deno.test("serveUntilSignal() keeps answering with /readyz draining until the delay ends", async () => {
  const clock = new FakeClock();
  const { server, events, readyz } = readinessServer({ drainDelayMs: 5000, clock });
  assert.equal(await readyz(), "200 ready");
  const stopped = server.shutdown();
  // Still listening while the (injected) delay runs: the load balancer sees 503 and stops routing.
  assert.equal(await readyz(), "503 draining");
  assert.equal(await readyz(), "503 draining");
  assert.deepEqual(clock.delays, [5000]);
  await clock.advance(5000);
  await stopped;
  await server.finished;
  assert.deepEqual(events, ["200 ready", "signal", "503 draining", "503 draining", "closed"]);
  await assert.rejects(readyz(), TypeError, "the listener is closed after the delay");
});

Deno.test("serveUntilSignal() waits drainDelayMs on a real timer before closing", async () => {
  const { server, events, readyz } = readinessServer({ drainDelayMs: 1000 });
  const stopped = server.shutdown();
  // One local request takes far less than the delay, so it is answered before the close.
  await readyz();
  await stopped;
  assert.deepEqual(events, ["signal", "503 draining", "closed"]);
  await assert.rejects(readyz(), TypeError);
});

Deno.test("serveUntilSignal() ends the drain delay early on a second signal", async () => {
  const { server, events } = readinessServer({ drainDelayMs: 60_000, clock: new FakeClock() });
  const first = server.shutdown();
  const second = server.shutdown();
  await Promise.all([first, second]);
  assert.equal(first, second);
  assert.deepEqual(events, ["signal", "closed"]);
});

Deno.test("serveUntilSignal() closes at once without a drain delay", async () => {
  const clock = new FakeClock();
  const { server, events } = readinessServer({ drainDelayMs: 0, clock });
  await server.shutdown();
  const slept = clock.delays.length > 0;
  assert.deepEqual([events, slept], [["signal", "closed"], false]);
});

/** An IPv4 address of this machine that is not loopback, if it has one. */
function externalAddress(): string | undefined {
  return Deno.networkInterfaces().find((i) => i.family === "IPv4" && !i.address.startsWith("127."))
    ?.address;
}

Deno.test("serveUntilSignal() listens on 127.0.0.1 only unless a hostname is given", async () => {
  const server = serveUntilSignal(() => new Response("ok"), {
    port: 0,
    logger: createLogger("test", { level: "error" }),
  });
  try {
    assert.equal(server.hostname, "127.0.0.1");
    const local = await fetch(`http://127.0.0.1:${server.port}/`);
    assert.equal(await local.text(), "ok");
    const external = externalAddress();
    if (external !== undefined) {
      await assert.rejects(
        Deno.connect({ hostname: external, port: server.port }),
        Deno.errors.ConnectionRefused,
        `reachable on ${external}`,
      );
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("drainingService() serves on PORT/HOST and is draining from the signal to the close", async () => {
  const service = drainingService(
    { PORT: 0, HOST: "127.0.0.1", SHUTDOWN_DELAY_MS: 0 },
    createLogger("test", { level: "error" }),
  );
  const seen: boolean[] = [];
  const server = service.serve(
    () => new Response(service.isDraining() ? "draining" : "ready"),
    () => {
      seen.push(service.isDraining());
      return Promise.resolve();
    },
  );
  assert.equal(server.hostname, "127.0.0.1");
  const response = await fetch(`http://127.0.0.1:${server.port}/readyz`);
  assert.equal(await response.text(), "ready");
  assert.equal(service.isDraining(), false);
  await server.shutdown();
  await server.finished;
  assert.deepEqual(seen, [true]);
});
