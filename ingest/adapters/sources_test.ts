import assert from "node:assert/strict";
import { hashWriteKey } from "../core/write_key.ts";
import { IngestError } from "../core/errors.ts";
import {
  createSourceCache,
  createSourceStore,
  type Source,
  type SourceLookup,
  type SourceStore,
} from "./sources.ts";
import { TEST_DATABASE_URL, testSql } from "../testing/env.ts";
import { POSTGRES_MIGRATIONS_DIR } from "../../shared/postgres/migrate.ts";
import { DevKeyRevokedError, isLocalDatabase, runSourcesCommand } from "../cli/sources.ts";

Deno.test("source store creates, finds by key hash, lists and revokes in Postgres", async () => {
  await using sql = await testSql();
  const store = createSourceStore(sql);
  const id = `test_src_${crypto.randomUUID().slice(0, 8)}`;
  try {
    const hash = await hashWriteKey(`key-${id}`);
    await store.create({ sourceId: id, name: "web", platform: "web", hash });
    const [row] = await sql`SELECT write_key_hash FROM sources WHERE source_id = ${id}`;
    assert.equal(row!.write_key_hash, hash, "only the hash is stored");
    const found = await store.findByHash(hash);
    assert.deepEqual([found?.sourceId, found?.platform, found?.revokedAt], [id, "web", null]);
    assert.ok((await store.list()).some((s) => s.sourceId === id));
    assert.equal(await store.revoke(id), true);
    assert.notEqual((await store.findByHash(hash))?.revokedAt, null);
    assert.equal(await store.revoke("test_src_missing"), false);
    assert.equal(await store.findByHash(await hashWriteKey("unknown")), null);
  } finally {
    await sql`DELETE FROM sources WHERE source_id = ${id}`;
  }
});

Deno.test("sources CLI create prints a working key once; revoke makes it revoked", async () => {
  await using sql = await testSql();
  const store = createSourceStore(sql);
  const id = `test_cli_${crypto.randomUUID().slice(0, 8)}`;
  try {
    const lines = await runSourcesCommand(store, [
      "create",
      "--name",
      "web",
      "--platform",
      "web",
      "--id",
      id,
    ], {
      devWriteKey: "x",
    });
    assert.equal(lines[0], `Created public source ${id} (web, web).`);
    const key = /: (ef_\S+)$/.exec(lines[1]!)![1]!;
    assert.equal((await store.findByHash(await hashWriteKey(key)))?.sourceId, id);
    await runSourcesCommand(store, ["revoke", id], { devWriteKey: "x" });
    assert.notEqual((await store.findByHash(await hashWriteKey(key)))?.revokedAt, null);
    await assert.rejects(
      runSourcesCommand(store, ["create", "--name", "x", "--platform", "tv"], { devWriteKey: "x" }),
      /--platform must be one of web, ios, android, backend, server, other, got "tv"/,
    );
  } finally {
    await sql`DELETE FROM sources WHERE source_id = ${id}`;
  }
});

Deno.test("migration 0006 gives existing sources a kind by platform and refuses any other kind (#13, 4)", async () => {
  await using sql = await testSql();
  // The sources table as 0001 made it, in a schema of this test's own, then 0006 run over it.
  const schema = `test_kind_${crypto.randomUUID().slice(0, 8)}`;
  const migration = await Deno.readTextFile(`${POSTGRES_MIGRATIONS_DIR}/0006_source_kind.sql`);
  try {
    await sql.begin(async (tx) => {
      await tx.unsafe(`CREATE SCHEMA ${schema}; SET LOCAL search_path TO ${schema}`);
      await tx.unsafe(`CREATE TABLE sources (
        source_id text PRIMARY KEY, name text NOT NULL, platform text NOT NULL DEFAULT 'web',
        write_key_hash text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz)`);
      await tx.unsafe(`INSERT INTO sources (source_id, name, platform, write_key_hash) VALUES
        ('w', 'web', 'web', 'h1'), ('i', 'ios', 'ios', 'h2'), ('b', 'api', 'backend', 'h3'),
        ('s', 'srv', 'server', 'h4'), ('o', 'other', 'other', 'h5')`);
      await tx.unsafe(migration);
      const rows = await tx.unsafe(`SELECT source_id, kind FROM sources ORDER BY source_id`);
      assert.deepEqual(rows.map((r) => `${r.source_id}:${r.kind}`), [
        "b:server",
        "i:public",
        "o:public",
        "s:server",
        "w:public",
      ]);
      await tx.unsafe(
        `INSERT INTO sources (source_id, name, write_key_hash) VALUES ('n', 'n', 'h6')`,
      );
      assert.equal(
        (await tx.unsafe(`SELECT kind FROM sources WHERE source_id = 'n'`))[0]!.kind,
        "public",
      );
      await assert.rejects(
        tx.savepoint((sp) =>
          sp.unsafe(
            `INSERT INTO sources (source_id, name, kind, write_key_hash) VALUES ('x', 'x', 'admin', 'h7')`,
          )
        ),
        /sources_kind_check/,
      );
      // Running it again changes nothing (the runner records it, but a re-run must be harmless).
      await tx.unsafe(migration);
    });
  } finally {
    await sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
});

Deno.test("sources CLI create --kind server makes a server source; the default is public (#13, 4)", async () => {
  await using sql = await testSql();
  const store = createSourceStore(sql);
  const id = `test_kind_${crypto.randomUUID().slice(0, 8)}`;
  try {
    const server = await runSourcesCommand(
      store,
      ["create", "--name", "shop api", "--platform", "backend", "--kind", "server", "--id", id],
      { devWriteKey: "x" },
    );
    assert.equal(server[0], `Created server source ${id} (shop api, backend).`);
    const key = /: (ef_\S+)$/.exec(server[1]!)![1]!;
    assert.equal((await store.findByHash(await hashWriteKey(key)))?.kind, "server");
    const web = await runSourcesCommand(store, ["create", "--name", "web", "--id", `${id}_w`], {
      devWriteKey: "x",
    });
    const webKey = /: (ef_\S+)$/.exec(web[1]!)![1]!;
    assert.equal((await store.findByHash(await hashWriteKey(webKey)))?.kind, "public");
    await assert.rejects(
      runSourcesCommand(store, ["create", "--name", "x", "--kind", "admin"], { devWriteKey: "x" }),
      /--kind must be one of public, server, got "admin"/,
    );
  } finally {
    await sql`DELETE FROM sources WHERE source_id IN (${id}, ${id + "_w"})`;
  }
});

Deno.test("ensure-dev --kind server provisions dev_server with the server key and keeps it revoked (#13, 3, 4)", async () => {
  await using sql = await testSql();
  const store = createSourceStore(sql);
  const key = `dev-server-${crypto.randomUUID()}`;
  const opts = { devWriteKey: "unused", devServerKey: key, databaseUrl: TEST_DATABASE_URL };
  const before = await sql`
    SELECT write_key_hash, revoked_at FROM sources WHERE source_id = 'dev_server'`;
  try {
    await sql`DELETE FROM sources WHERE source_id = 'dev_server'`;
    assert.deepEqual(await runSourcesCommand(store, ["ensure-dev", "--kind", "server"], opts), [
      `Source "dev_server" is active with the local-development server write key "${key}" ` +
      "(EVENTFLOW_DEV_SERVER_KEY; for this machine only).",
    ]);
    const found = await store.findByHash(await hashWriteKey(key));
    assert.deepEqual([found?.sourceId, found?.kind, found?.revokedAt], [
      "dev_server",
      "server",
      null,
    ]);
    await store.revoke("dev_server");
    await assert.rejects(
      runSourcesCommand(store, ["ensure-dev", "--kind", "server"], opts),
      (error) =>
        error instanceof DevKeyRevokedError &&
        /^Source "dev_server" was revoked at \S+ and stays revoked; .*--kind server$/.test(
          error.message,
        ),
    );
    assert.notEqual((await store.findByHash(await hashWriteKey(key)))?.revokedAt, null);
  } finally {
    if (before[0]) {
      await sql`UPDATE sources SET write_key_hash = ${before[0].write_key_hash}, revoked_at = ${
        before[0].revoked_at
      } WHERE source_id = 'dev_server'`;
    } else await sql`DELETE FROM sources WHERE source_id = 'dev_server'`;
  }
});

Deno.test("ensure-dev provisions source dev once and never re-activates it after a revoke", async () => {
  await using sql = await testSql();
  const store = createSourceStore(sql);
  const key = `dev-${crypto.randomUUID()}`;
  const opts = { devWriteKey: key, databaseUrl: TEST_DATABASE_URL };
  const before = await sql`SELECT write_key_hash, revoked_at FROM sources WHERE source_id = 'dev'`;
  try {
    await sql`DELETE FROM sources WHERE source_id = 'dev'`;
    assert.deepEqual(await runSourcesCommand(store, ["ensure-dev"], opts), [
      `Source "dev" is active with the local-development public write key "${key}" ` +
      "(EVENTFLOW_DEV_WRITE_KEY; for this machine only).",
    ]);
    await runSourcesCommand(store, ["ensure-dev"], opts);
    const found = await store.findByHash(await hashWriteKey(key));
    assert.deepEqual([found?.sourceId, found?.revokedAt], ["dev", null]);
    assert.equal(
      (await sql`SELECT count(*)::int AS n FROM sources WHERE source_id = 'dev'`)[0]!.n,
      1,
    );

    await store.revoke("dev");
    const error = await runSourcesCommand(store, ["ensure-dev"], opts).then(() => null, (e) => e);
    assert.ok(error instanceof DevKeyRevokedError, String(error));
    assert.match(error.message, /^Source "dev" was revoked at \S+ and stays revoked; create a key/);
    assert.notEqual((await store.findByHash(await hashWriteKey(key)))?.revokedAt, null);
    // Not even with a different key: the revoked source keeps its old hash.
    const other = { ...opts, devWriteKey: `${key}-2` };
    await assert.rejects(runSourcesCommand(store, ["ensure-dev"], other), DevKeyRevokedError);
    assert.equal(await store.findByHash(await hashWriteKey(`${key}-2`)), null);
    // Compose's every-`up` run reports it and succeeds, still without re-activating it.
    const [line] = await runSourcesCommand(store, ["ensure-dev", "--revoked-ok"], opts);
    assert.match(line!, /^Source "dev" was revoked at \S+ and stays revoked\.$/);
    assert.notEqual((await store.findByHash(await hashWriteKey(key)))?.revokedAt, null);
  } finally {
    // Leave the shared test database's dev source as it was.
    if (before[0]) {
      await sql`UPDATE sources SET write_key_hash = ${before[0].write_key_hash}, revoked_at = ${
        before[0].revoked_at
      }
        WHERE source_id = 'dev'`;
    } else await sql`DELETE FROM sources WHERE source_id = 'dev'`;
  }
});

Deno.test("ensure-dev refuses a database that is not on this machine, before writing", async () => {
  const untouched = {
    ensure: () => Promise.reject(new Error("must not be called")),
  } as unknown as SourceStore;
  await assert.rejects(
    runSourcesCommand(untouched, ["ensure-dev"], {
      devWriteKey: "dev_write_key",
      databaseUrl: "postgres://eventflow@db.example.com:5432/eventflow",
    }),
    /Refusing to provision the well-known development write key in a database on db\.example\.com/,
  );
  // Naming another host allows that host only (compose names its own database container).
  await assert.rejects(
    runSourcesCommand(untouched, ["ensure-dev", "--allow-db-host", "postgres"], {
      devWriteKey: "dev_write_key",
      databaseUrl: "postgres://eventflow@db.example.com:5432/eventflow",
    }),
    /Refusing to provision/,
  );
  await assert.rejects(
    runSourcesCommand(untouched, ["ensure-dev", "--allow-db-host", "postgres"], {
      devWriteKey: "dev_write_key",
      databaseUrl: "postgres://eventflow@postgres:5432/eventflow",
    }),
    /must not be called/,
  );
  assert.deepEqual(
    ["postgres://p@127.0.0.1/x", "postgres://p@localhost:5/x", "postgres://p@[::1]/x", "nope"]
      .map(isLocalDatabase),
    [true, true, true, false],
  );
});

const SOURCE: Source = {
  sourceId: "s",
  name: "n",
  platform: "web",
  kind: "public",
  createdAt: "",
  revokedAt: null,
};

function countingLookup(answer: (hash: string) => Promise<Source | null>) {
  let calls = 0;
  const lookup: SourceLookup = {
    findByHash: (hash) => {
      calls++;
      return answer(hash);
    },
  };
  return { lookup, calls: () => calls };
}

Deno.test("source cache serves from memory within the TTL and sees revocation after it", async () => {
  let now = 0;
  let current: Source = SOURCE;
  const { lookup, calls } = countingLookup(() => Promise.resolve(current));
  const cache = createSourceCache(lookup, { ttlMs: 30_000, now: () => now });
  assert.equal((await cache.findByHash("h"))?.revokedAt, null);
  current = { ...SOURCE, revokedAt: "2024-01-01T00:00:00.000Z" };
  now = 29_999;
  assert.equal((await cache.findByHash("h"))?.revokedAt, null);
  assert.equal(calls(), 1);
  now = 30_000;
  assert.equal((await cache.findByHash("h"))?.revokedAt, "2024-01-01T00:00:00.000Z");
  assert.equal(calls(), 2);
});

Deno.test("source cache shares one lookup between concurrent requests for a key", async () => {
  const { lookup, calls } = countingLookup(() => Promise.resolve(SOURCE));
  const cache = createSourceCache(lookup, { ttlMs: 1000 });
  await Promise.all([cache.findByHash("h"), cache.findByHash("h"), cache.findByHash("h")]);
  assert.equal(calls(), 1);
});

Deno.test("source cache serves a stale entry when Postgres is down, else answers 503", async () => {
  let now = 0;
  let up = true;
  const { lookup } = countingLookup(() =>
    up ? Promise.resolve(SOURCE) : Promise.reject(new Error("down"))
  );
  const cache = createSourceCache(lookup, { ttlMs: 10, now: () => now });
  await cache.findByHash("h");
  up = false;
  now = 100;
  assert.equal((await cache.findByHash("h"))?.sourceId, "s");
  await assert.rejects(cache.findByHash("other"), (error: IngestError) => {
    assert.deepEqual([error.status, error.code], [503, "SOURCES_UNAVAILABLE"]);
    return true;
  });
});

Deno.test("source cache keeps known keys when a flood of unknown keys fills it", async () => {
  let now = 0;
  let up = true;
  const { lookup, calls } = countingLookup((hash) =>
    !up ? Promise.reject(new Error("down")) : Promise.resolve(hash === "h" ? SOURCE : null)
  );
  const cache = createSourceCache(lookup, { ttlMs: 30_000, maxEntries: 4, now: () => now });
  assert.equal((await cache.findByHash("h"))?.sourceId, "s");
  for (let i = 0; i < 20; i++) assert.equal(await cache.findByHash(`random-${i}`), null);
  const before = calls();
  assert.equal((await cache.findByHash("h"))?.sourceId, "s");
  assert.equal(calls(), before, "the known key is still answered from memory");
  // And it is still there to fall back on when Postgres goes down after its TTL.
  up = false;
  now = 60_000;
  assert.equal((await cache.findByHash("h"))?.sourceId, "s");
});
