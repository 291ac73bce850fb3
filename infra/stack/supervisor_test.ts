import assert from "node:assert/strict";
import { isAlive, spawnChild, waitFor } from "../../shared/process/mod.ts";
import { Registry } from "../../shared/metrics.ts";
import { supervise, type SupervisedUnit } from "./supervisor.ts";
import { supervisorApp } from "./supervisor_http.ts";
import {
  formatServiceTable,
  readSupervisorStatus,
  statusFileWriter,
  supervisorStatusPath,
} from "./supervisor_status.ts";

// Real child processes: a long-running one that drains on SIGTERM, and one that dies at once.
const LONG_RUNNING = `Deno.addSignalListener("SIGTERM", () => { console.log("drained"); ` +
  `Deno.exit(0); }); setInterval(() => {}, 1e6); console.log("up");`;
const CRASHING = `console.error("boom"); Deno.exit(3);`;

function script(name: string, code: string): SupervisedUnit {
  return {
    name,
    start: () => spawnChild(Deno.execPath(), { name, args: ["eval", code], output: "keep" }),
  };
}

/** Waits (generously: 2 shared cores) until `predicate` holds. */
function until(predicate: () => boolean, what: string): Promise<void> {
  return waitFor(() => Promise.resolve(predicate()), { timeoutMs: 120_000, what, intervalMs: 50 });
}

async function metricsText(registry: Registry): Promise<string> {
  const app = supervisorApp({ registry, status: () => ({ pid: 0, updatedAt: "", services: [] }) });
  return await (await app.request("/metrics")).text();
}

Deno.test("supervise() restarts a SIGKILLed service after its backoff, counts it and stops it for good", async () => {
  const dir = await Deno.makeTempDir({ prefix: "supervisor_test_" });
  const statusFile = supervisorStatusPath(dir);
  const writer = statusFileWriter(statusFile);
  const registry = new Registry();
  const lines: string[] = [];
  const supervisor = supervise([script("worker", LONG_RUNNING)], {
    policy: { baseMs: 1_000, maxMs: 5_000 },
    random: () => 0.999_999,
    registry,
    onChange: writer.write,
    log: (line) => lines.push(line),
  });
  try {
    await until(() => supervisor.current("worker")?.output().includes("up") ?? false, "the worker");
    await writer.flushed();
    // As the fault suite does: the pid from the status file, a SIGKILL from outside.
    const before = (await readSupervisorStatus(statusFile))?.services[0];
    assert.equal(before?.state, "running");
    const pid = before?.pid ?? 0;
    assert.ok(isAlive(pid));
    const killedAt = Date.now();
    Deno.kill(pid, "SIGKILL");

    await until(() => supervisor.status().services[0]?.restarts === 1, "the worker's restart");
    // The backoff: a restart never comes before its delay (1 s here); the upper bound is generous.
    const waited = Date.now() - killedAt;
    assert.ok(waited >= 1_000 && waited < 50_000, `restarted after ${waited} ms`);
    assert.match(lines.join("\n"), /worker exited on SIGKILL; restarting in 1\.0 s/);
    await until(
      () => supervisor.current("worker")?.output().includes("up") ?? false,
      "the restarted worker",
    );
    await writer.flushed();
    const after = (await readSupervisorStatus(statusFile))?.services[0];
    assert.equal(after?.state, "running");
    assert.equal(after?.restarts, 1);
    assert.equal(after?.lastExit?.signal, "SIGKILL");
    assert.notEqual(after?.pid, pid);
    assert.match(
      await metricsText(registry),
      /eventflow_supervisor_restarts_total\{service="worker"\} 1\n/,
    );
    assert.match(formatServiceTable([after!]), /worker +running +\d+ +1 +SIGKILL at /);

    const restarted = supervisor.current("worker")!;
    await supervisor.stop();
    assert.match(restarted.output(), /drained/, "stopped with SIGTERM, not killed");
    const stopped = supervisor.status().services[0];
    assert.equal(stopped?.state, "stopped");
    assert.deepEqual(stopped?.lastExit && [stopped.lastExit.code, stopped.lastExit.signal], [
      0,
      null,
    ]);
    assert.equal(stopped?.restarts, 1, "no restart after a requested stop");
    assert.equal(isAlive(after?.pid ?? 0), false);
    await writer.flushed();
    assert.equal((await readSupervisorStatus(statusFile))?.services[0]?.state, "stopped");
  } finally {
    await supervisor.stop();
    await writer.flushed();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("supervise() backs a crash loop off with doubling delays up to the cap and reports it", async () => {
  const registry = new Registry();
  const lines: string[] = [];
  const supervisor = supervise([script("crasher", CRASHING)], {
    policy: { baseMs: 100, maxMs: 400, crashLoopAfter: 3 },
    random: () => 0.999_999,
    registry,
    log: (line) => lines.push(line),
  });
  try {
    await until(
      () => supervisor.status().services[0]?.restarts === 4,
      "four restarts of the crashing service",
    );
    const delays = lines.map((line) => /restarting in ([\d.]+) s/.exec(line)?.[1]);
    assert.deepEqual(delays.slice(0, 4), ["0.1", "0.2", "0.4", "0.4"]);
    assert.doesNotMatch(lines[1] ?? "", /crash loop/);
    assert.match(lines[2] ?? "", /crasher exited with code 3; .*crash loop: 3 exits in a row/);
    await until(
      () => supervisor.status().services[0]?.state === "crash-loop",
      "the crash-loop state",
    );
    const text = await metricsText(registry);
    assert.match(text, /eventflow_supervisor_crash_looping\{service="crasher"\} 1\n/);
    assert.match(text, /eventflow_supervisor_restarts_total\{service="crasher"\} [4-9]\n/);
  } finally {
    await supervisor.stop();
  }
  const done = supervisor.status().services[0];
  assert.equal(done?.state, "stopped");
  const restarts = done?.restarts;
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal(
    supervisor.status().services[0]?.restarts,
    restarts,
    "nothing restarts after stop()",
  );
});

Deno.test("supervise() clears the crash loop once a restarted service runs long enough", async () => {
  const dir = await Deno.makeTempDir({ prefix: "supervisor_test_" });
  // Crashes on its first three starts, then stays up: a dependency that came back.
  const flaky = `const f = ${JSON.stringify(`${dir}/starts`)}; ` +
    `const n = Number(await Deno.readTextFile(f).catch(() => "0")) + 1; ` +
    `await Deno.writeTextFile(f, String(n)); if (n <= 3) Deno.exit(1); ` +
    `setInterval(() => {}, 1e6); console.log("up");`;
  const registry = new Registry();
  const supervisor = supervise([script("flaky", flaky)], {
    policy: { baseMs: 50, maxMs: 100, crashLoopAfter: 2, resetAfterMs: 5_000 },
    registry,
    log: () => {},
  });
  const looping = async () =>
    /eventflow_supervisor_crash_looping\{service="flaky"\} 1\n/.test(await metricsText(registry));
  try {
    await until(() => supervisor.status().services[0]?.restarts === 3, "three restarts");
    assert.equal(await looping(), true, "reported while it kept exiting");
    await until(() => supervisor.current("flaky")?.output().includes("up") ?? false, "a good run");
    await waitFor(async () => !(await looping()), { timeoutMs: 60_000, what: "the all-clear" });
    assert.equal(supervisor.status().services[0]?.state, "running");
    assert.equal(supervisor.status().services[0]?.restarts, 3);
  } finally {
    await supervisor.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
