import assert from "node:assert/strict";
import { exitCodeWithin, spawnChild, waitChildReady, waitListeningPort } from "./child.ts";
import { sleep } from "../time.ts";

const sh = (script: string) => ["-c", script];

Deno.test("spawnChild() keeps stdout and stderr and reports the exit status", async () => {
  const child = spawnChild("sh", { args: sh("echo out; echo err >&2; exit 3") });
  const status = await child.exited;
  assert.equal(status.code, 3);
  assert.equal(child.status()?.code, 3);
  assert.match(child.output(), /out\n/);
  assert.match(child.output(), /err\n/);
});

Deno.test("spawnChild() hands over lines with their stream, a partial last line included", async () => {
  const lines: string[] = [];
  const child = spawnChild("sh", {
    args: sh("printf 'a\\nb\\n'; printf 'c' >&2"),
    output: { onLine: (line, stream) => lines.push(`${stream}:${line}`) },
  });
  await child.exited;
  assert.deepEqual(lines.sort(), ["stderr:c", "stdout:a", "stdout:b"]);
});

Deno.test("spawnChild() writes { file } output to the file and keeps its tail", async () => {
  const dir = await Deno.makeTempDir({ prefix: "test_child_" });
  try {
    const file = `${dir}/out.log`;
    await Deno.writeTextFile(file, "old run\n");
    const child = spawnChild("sh", { args: sh("echo hello; echo world >&2"), output: { file } });
    await child.exited;
    const text = await Deno.readTextFile(file);
    assert.doesNotMatch(text, /old run/);
    assert.match(text, /hello/);
    assert.match(text, /world/);
    assert.match(child.output(), /hello/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stop() ends a child with SIGTERM; one that ignores it gets SIGKILL after the grace", async () => {
  const polite = spawnChild("sleep", { args: ["30"] });
  assert.equal((await polite.stop()).signal, "SIGTERM");
  assert.equal((await polite.stop()).signal, "SIGTERM", "stopping again returns the same status");

  const stubborn = spawnChild("sh", {
    args: sh("trap '' TERM; echo trapped; while :; do sleep 0.05; done"),
    output: "null",
  });
  await sleep(200);
  assert.equal((await stubborn.stop({ graceMs: 300 })).signal, "SIGKILL");
});

Deno.test("kill() ends a child with SIGKILL; await using stops it", async () => {
  const child = spawnChild("sleep", { args: ["30"] });
  assert.equal((await child.kill()).signal, "SIGKILL");
  let pid = 0;
  {
    await using scoped = spawnChild("sleep", { args: ["30"] });
    pid = scoped.pid;
  }
  assert.throws(() => Deno.kill(pid, "SIGCONT"), "the process is gone");
});

Deno.test("waitChildReady() fails at once, with the output, when the child exits first", async () => {
  await using child = spawnChild("sh", { args: sh("echo 'port taken' >&2; exit 1"), name: "svc" });
  await assert.rejects(
    waitChildReady(child, () => false, { timeoutMs: 30_000, what: "svc /readyz" }),
    /^Error: svc exited with code 1 before svc \/readyz was ready; output:\nport taken/,
  );
});

Deno.test("waitChildReady() fails after the timeout and leaves the child running", async () => {
  await using child = spawnChild("sleep", { args: ["30"] });
  await assert.rejects(
    waitChildReady(child, () => false, { timeoutMs: 200, what: "nothing", intervalMs: 20 }),
    /nothing was not ready within 0 s/,
  );
  assert.equal(child.status(), null);
});

Deno.test("waitListeningPort() reads the port from the JSON log line", async () => {
  await using child = spawnChild("sh", {
    args: sh(`echo '{"level":"info","message":"Listening","port":43121}' >&2; exec sleep 30`),
  });
  assert.equal(await waitListeningPort(child, { timeoutMs: 10_000 }), 43121);
});

Deno.test("exitCodeWithin() is 124 when the child outlives the limit", async () => {
  const child = spawnChild("sleep", { args: ["30"], output: "null" });
  assert.equal(await exitCodeWithin(child, 100), 124);
  assert.equal(await exitCodeWithin(spawnChild("true"), 10_000), 0);
});
