import assert from "node:assert/strict";
import { decideRestart } from "./restart_policy.ts";

const policy = { baseMs: 100, maxMs: 1_000, resetAfterMs: 10_000, crashLoopAfter: 4 };
const top = () => 0.999_999;

Deno.test("decideRestart() never restarts what the supervisor is stopping", () => {
  assert.deepEqual(decideRestart({ stopping: true, ranMs: 5, failuresBefore: 3 }, { policy }), {
    action: "stop",
  });
});

Deno.test("decideRestart() doubles the delay per exit in a row up to the cap", () => {
  const delays: number[] = [];
  let failuresBefore = 0;
  for (let i = 0; i < 6; i++) {
    const d = decideRestart({ stopping: false, ranMs: 50, failuresBefore }, {
      policy,
      random: top,
    });
    assert.equal(d.action, "restart");
    if (d.action !== "restart") return;
    delays.push(d.delayMs);
    failuresBefore = d.failures;
  }
  assert.deepEqual(delays, [100, 200, 400, 800, 1_000, 1_000]);
});

Deno.test("decideRestart() jitters between half the step and the step", () => {
  const low = decideRestart({ stopping: false, ranMs: 0, failuresBefore: 2 }, {
    policy,
    random: () => 0,
  });
  assert.deepEqual(low, { action: "restart", delayMs: 200, failures: 3, crashLoop: false });
});

Deno.test("decideRestart() reports a crash loop from crashLoopAfter exits in a row", () => {
  const third = decideRestart({ stopping: false, ranMs: 0, failuresBefore: 2 }, { policy });
  const fourth = decideRestart({ stopping: false, ranMs: 0, failuresBefore: 3 }, { policy });
  assert.equal(third.action === "restart" && third.crashLoop, false);
  assert.equal(fourth.action === "restart" && fourth.crashLoop, true);
});

Deno.test("decideRestart() starts the backoff over after a healthy run", () => {
  const d = decideRestart({ stopping: false, ranMs: 10_000, failuresBefore: 7 }, {
    policy,
    random: top,
  });
  assert.deepEqual(d, { action: "restart", delayMs: 100, failures: 1, crashLoop: false });
});

Deno.test("decideRestart() defaults to 0.5 s first delay capped at 30 s", () => {
  const first = decideRestart({ stopping: false, ranMs: 0, failuresBefore: 0 }, { random: top });
  const late = decideRestart({ stopping: false, ranMs: 0, failuresBefore: 20 }, { random: top });
  assert.equal(first.action === "restart" && first.delayMs, 500);
  assert.equal(late.action === "restart" && late.delayMs, 30_000);
});
