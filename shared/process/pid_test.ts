import assert from "node:assert/strict";
import { isAlive, readLivePid, spawnDetached, stopPid } from "./pid.ts";

Deno.test("spawnDetached() records the exec'd command's pid; stopPid() ends it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "test_proc_" });
  try {
    const pidFile = `${dir}/sleep.pid`;
    const logFile = `${dir}/sleep.log`;
    const pid = await spawnDetached("sleep", ["300"], {
      pidFile,
      logFile,
      cmdlineIncludes: "sleep",
    });
    assert.equal(await readLivePid(pidFile), pid);
    assert.equal(await readLivePid(pidFile, { cmdlineIncludes: "sleep\x00300" }), pid);
    // A pid file naming some other live program (a stale file after a reboot) is not trusted.
    assert.equal(await readLivePid(pidFile, { cmdlineIncludes: "kafka.Kafka" }), null);
    await stopPid(pid, { timeoutMs: 5_000 });
    assert.equal(isAlive(pid), false);
    assert.equal(await readLivePid(pidFile), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readLivePid() is null for a missing, garbage or dead pid file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "test_proc_" });
  try {
    assert.equal(await readLivePid(`${dir}/none.pid`), null);
    await Deno.writeTextFile(`${dir}/garbage.pid`, "not a pid\n");
    assert.equal(await readLivePid(`${dir}/garbage.pid`), null);
    const child = new Deno.Command("true").spawn();
    await child.status;
    await Deno.writeTextFile(`${dir}/dead.pid`, `${child.pid}\n`);
    assert.equal(await readLivePid(`${dir}/dead.pid`), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
