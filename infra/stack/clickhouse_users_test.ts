import assert from "node:assert/strict";
import { readUsersFile } from "../clickhouse/config.ts";
import {
  clickhouseEnv,
  ensureClickHouseCredentials,
  READER_USER,
  WRITER_USER,
} from "./clickhouse_users.ts";
import { loadStackConfig } from "./config.ts";

Deno.test("ensureClickHouseCredentials() generates passwords once, keeps them, honours env", async () => {
  const dir = await Deno.makeTempDir({ prefix: "test_stack_users_" });
  try {
    const first = await ensureClickHouseCredentials(dir);
    assert.equal(first.writer.username, WRITER_USER);
    assert.equal(first.reader.username, READER_USER);
    assert.ok(
      first.writer.password.length >= 24 && first.writer.password !== first.reader.password,
    );
    assert.equal((await Deno.stat(first.usersFile)).mode! & 0o777, 0o600);
    assert.deepEqual(await ensureClickHouseCredentials(dir), first, "the same on every run");

    const users = await readUsersFile(await Deno.readTextFile(first.usersFile), first.usersFile);
    assert.deepEqual(users.map((u) => [u.name, u.readonly]), [[WRITER_USER, 0], [READER_USER, 2]]);

    const given = await ensureClickHouseCredentials(dir, { writerPassword: "from-env" });
    assert.equal(given.writer.password, "from-env");
    assert.equal(given.reader.password, first.reader.password);
    assert.match(await Deno.readTextFile(first.usersFile), /"from-env"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("each service gets the ClickHouse user of its role: sink writes, admin reads", async () => {
  const dir = await Deno.makeTempDir({ prefix: "test_stack_users_" });
  try {
    const config = loadStackConfig({ EVENTFLOW_STACK_DIR: dir });
    const credentials = await ensureClickHouseCredentials(dir);
    const env = Object.fromEntries(
      config.services.map((
        s,
      ) => [s.name, clickhouseEnv(credentials, s.clickhouse).CLICKHOUSE_USER]),
    );
    assert.deepEqual(env, {
      ingest: undefined,
      enrich: undefined,
      sink: WRITER_USER,
      admin: READER_USER,
      alerts: undefined,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
