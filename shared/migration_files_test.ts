import assert from "node:assert/strict";
import { readMigrations, splitStatements } from "./migration_files.ts";

Deno.test("splitStatements() splits on ';' at line end and drops comment-only chunks", () => {
  const script = [
    "-- header comment",
    "CREATE TABLE a (x String DEFAULT 'a;b');",
    "",
    "-- between",
    "CREATE VIEW v AS",
    "SELECT 1;   ",
    "-- trailing comment only",
  ].join("\n");
  assert.deepEqual(splitStatements(script), [
    "-- header comment\nCREATE TABLE a (x String DEFAULT 'a;b')",
    "-- between\nCREATE VIEW v AS\nSELECT 1",
  ]);
});

Deno.test("splitStatements() keeps a final statement without a semicolon", () => {
  assert.deepEqual(splitStatements("SELECT 1;\nSELECT 2"), ["SELECT 1", "SELECT 2"]);
});

Deno.test("readMigrations() orders .sql files by name and ignores other files", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ef_migrations_test_" });
  try {
    await Deno.writeTextFile(`${dir}/0002_b.sql`, "SELECT 2;\n");
    await Deno.writeTextFile(`${dir}/0001_a.sql`, "SELECT 1;\n");
    await Deno.writeTextFile(`${dir}/README.md`, "not sql");
    const migrations = await readMigrations(dir);
    assert.deepEqual(migrations.map((m) => m.version), ["0001_a", "0002_b"]);
    assert.equal(migrations[0]?.sql, "SELECT 1;\n");
    assert.match(migrations[0]?.checksum ?? "", /^[0-9a-f]{64}$/);
    assert.notEqual(migrations[0]?.checksum, migrations[1]?.checksum);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readMigrations() names the directory it cannot read", async () => {
  await assert.rejects(
    () => readMigrations("/nonexistent/eventflow/migrations"),
    /Cannot read migrations directory "\/nonexistent\/eventflow\/migrations"/,
  );
});
