import assert from "node:assert/strict";
import { assertUsageErrors } from "../shared/testing/cli.ts";
import { spawnChild } from "../shared/process/mod.ts";
import { deadLetter, generateDeadLetterKey, sealDeadLetter } from "../shared/events/mod.ts";
import { parseDeadLetterKeys } from "../shared/events/mod.ts";
import { produce, readTopicUntil, testTopics } from "../shared/testing/kafka.ts";
import { testId } from "../shared/testing/stores.ts";
import { parseDlqArgs } from "./dlq.ts";

const NOW = new Date("2026-04-10T12:00:00Z");
const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("parseDlqArgs() reads list, show and replay with their documented flags", () => {
  assert.deepEqual(parseDlqArgs(["list"], NOW), {
    command: "list",
    limit: 50,
    filter: { reason: undefined, stage: undefined },
    topic: undefined,
  });
  assert.deepEqual(parseDlqArgs(["list", "--limit", "20", "--stage", "enrich"], NOW), {
    command: "list",
    limit: 20,
    filter: { reason: undefined, stage: "enrich" },
    topic: undefined,
  });
  assert.deepEqual(parseDlqArgs(["show", "2:41", "--topic", "test_dlq"], NOW), {
    command: "show",
    position: { partition: 2, offset: "41" },
    payload: false,
    topic: "test_dlq",
  });
  assert.deepEqual(parseDlqArgs(["replay", "--reason", "SCHEMA_MISMATCH"], NOW), {
    command: "replay",
    filter: { reason: "SCHEMA_MISMATCH", stage: undefined },
    all: false,
    dryRun: false,
    topic: undefined,
  });
  assert.deepEqual(
    parseDlqArgs(["replay", "--since", "6h", "--id", "0:7", "--id", "1:2", "--dry-run"], NOW),
    {
      command: "replay",
      filter: {
        reason: undefined,
        stage: undefined,
        since: new Date("2026-04-10T06:00:00Z"),
        positions: [{ partition: 0, offset: "7" }, { partition: 1, offset: "2" }],
      },
      all: false,
      dryRun: true,
      topic: undefined,
    },
  );
  assert.deepEqual(
    (parseDlqArgs(["replay", "--since", "2026-04-09T00:00:00Z"], NOW) as { filter: unknown })
      .filter,
    { reason: undefined, stage: undefined, since: new Date("2026-04-09T00:00:00Z") },
  );
  assert.equal((parseDlqArgs(["replay", "--all"], NOW) as { all: boolean }).all, true);
});

Deno.test("parseDlqArgs() names the mistake in a UsageError", () => {
  assertUsageErrors((args) => parseDlqArgs(args, NOW), [
    [[], "Missing command"],
    [["purge"], 'Unknown command "purge"'],
    [["list", "--limit", "0"], '--limit must be an integer of at least 1, got "0"'],
    [["list", "--limti", "5"], /Unknown option '--limti'/],
    [["show"], 'show needs <partition>:<offset>, got ""'],
    [["show", "12"], 'show needs <partition>:<offset>, got "12"'],
    [["show", "1:2", "--reason", "X"], "show does not take --reason"],
    [["replay", "--limit", "3"], "replay does not take --limit"],
    [["list", "extra"], 'Unexpected argument "extra"'],
    [
      ["replay"],
      "replay needs a filter (--reason, --stage, --since or --id) or --all for every record",
    ],
    [["replay", "--dry-run"], /^replay needs a filter/],
    [
      ["replay", "--all", "--stage", "enrich"],
      "--all replays every record; drop it or the filters",
    ],
    [["replay", "--id", "7"], '--id needs <partition>:<offset>, got "7"'],
    [
      ["replay", "--since", "yesterday"],
      '--since must be an ISO-8601 time with a zone or an age like 6h, got "yesterday"',
    ],
    [["list", "--all"], "list does not take --all"],
  ]);
});

Deno.test("tools/dlq.ts exits 2 with the usage on a bad command line", async () => {
  const child = spawnChild(Deno.execPath(), {
    args: ["run", "-A", new URL("./dlq.ts", import.meta.url).pathname, "show", "nope"],
    stderrOnly: true,
  });
  assert.equal((await child.exited).code, 2);
  const stderr = child.output();
  assert.match(
    stderr,
    /^error: show needs <partition>:<offset>, got "nope"\nUsage: deno run -A tools\/dlq.ts/,
  );
});

/** Runs tools/dlq.ts with `args` and `env`; its exit code, stdout and stderr. */
async function dlq(args: string[], env: Record<string, string>) {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./dlq.ts", import.meta.url).pathname, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await command.output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, stdout: text(stdout), stderr: text(stderr) };
}

Deno.test(
  "dlq replay refuses without a filter, --dry-run sends nothing, a filtered replay opens sealed payloads",
  opts,
  async () => {
    const id = testId();
    const [raw, dlqTopic] = [`${id}_raw`, `${id}_dlq`];
    await using _topics = await testTopics([raw, dlqTopic], { partitions: 1 });
    const key = generateDeadLetterKey();
    const keyring = await parseDeadLetterKeys(key);
    const record = (offset: string, reason: string, text: string) =>
      deadLetter(
        {
          topic: raw,
          partition: 0,
          offset,
          key: `user_${offset}`,
          value: new TextEncoder().encode(text),
        },
        { stage: "enrich", reason, error: "x" },
        NOW,
      );
    await produce(dlqTopic, [
      // Written in clear before sealing existed: still replayable.
      { key: null, value: JSON.stringify(record("1", "INVALID_JSON", "{oops")) },
      {
        key: null,
        value: JSON.stringify(
          await sealDeadLetter(record("2", "PRIVACY_FAILED", '{"email":"a@b.c"}'), keyring),
        ),
      },
    ]);
    const env = { DEAD_LETTER_KEYS: key, TOPIC_DEAD_LETTER: dlqTopic };

    const refused = await dlq(["replay"], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^error: replay needs a filter/);

    const dry = await dlq(["replay", "--all", "--dry-run"], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(
      dry.stdout,
      `0:0\twould replay\t${raw}\tkey=user_1\n0:1\twould replay\t${raw}\tkey=user_2\n`,
    );
    assert.match(dry.stderr, /Dry run: 2 records would be replayed, nothing was sent/);

    const shown = await dlq(["show", "0:1", "--payload"], env);
    assert.equal(shown.stdout, '{"email":"a@b.c"}');

    const done = await dlq(["replay", "--reason", "PRIVACY_FAILED"], env);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, /Replayed 1 records/);
    // Only the filtered, opened payload arrived: the dry run sent nothing.
    const replayed = await readTopicUntil(raw, (seen) => seen.length >= 1);
    await new Promise((r) => setTimeout(r, 1000));
    const again = await readTopicUntil(raw, (seen) => seen.length >= 1);
    assert.deepEqual(
      again.map((m) => [m.key, new TextDecoder().decode(m.value)]),
      [["user_2", '{"email":"a@b.c"}']],
    );
    assert.equal(replayed.length, 1);
  },
);
