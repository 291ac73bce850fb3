/**
 * The users CLI against the real PostgreSQL. Commands run with `search_path` set to a private
 * schema holding copies of the access tables, so "no admin exists yet" and "the last admin" are
 * true for this test alone, whatever other tests have created. The schema is dropped afterwards.
 */
import postgres from "postgres";
import assert from "node:assert/strict";
import { openTestStores, TEST_TARGETS } from "../testing/stores.ts";
import { randomPrefix } from "../testing/seed.ts";
import { runUsersCommand } from "./users.ts";
import { verifyPassword } from "../access/password.ts";
import { TEST_COST } from "../testing/session.ts";
import type { Sql } from "../../shared/postgres/mod.ts";

Deno.test("users CLI: first admin once, create, list, reset, set-role, disable, last admin kept", async () => {
  await using stores = await openTestStores();
  const schema = randomPrefix().replace(/_$/, "");
  await stores.pg.unsafe(`CREATE SCHEMA ${schema}`);
  const sql: Sql = postgres(TEST_TARGETS.databaseUrl, {
    max: 1,
    onnotice: () => {},
    connection: { search_path: schema },
  });
  try {
    for (const table of ["admin_users", "admin_audit", "admin_sessions"]) {
      await stores.pg.unsafe(
        `CREATE TABLE ${schema}.${table} (LIKE public.${table} INCLUDING ALL)`,
      );
    }
    const run = (...args: string[]) => runUsersCommand(sql, args, { cost: TEST_COST });

    const first = await run("ensure-admin");
    assert.match(first[0]!, /Created the first console admin\. Sign in as "admin"/);
    const password = first[1]!.trim();
    assert.equal(password.length, 20);
    const [admin] = await sql`SELECT role, password_hash FROM admin_users WHERE username = 'admin'`;
    assert.equal(admin!.role, "admin");
    assert.equal(await verifyPassword(password, admin!.password_hash), true);
    assert.deepEqual(await run("ensure-admin"), [], "a second start prints nothing");

    const created = await run("create", "--username", "Anna", "--role", "analyst");
    assert.equal(created[0], "Created analyst anna.");
    assert.match(created[1]!, /^Password \(shown only now\): \w{20}$/);
    await assert.rejects(run("create", "--username", "anna", "--role", "viewer"), /already taken/);
    await assert.rejects(
      run("create", "--username", "bob", "--role", "boss"),
      /Role "boss" is invalid/,
    );
    await assert.rejects(run("frobnicate"), /Unknown command "frobnicate"/);
    await assert.rejects(run("create", "--colour", "red"), /Unknown option '--colour'/);

    const listed = await run("list");
    assert.deepEqual(listed.map((line) => line.split(/\s+/).slice(0, 3)), [
      ["admin", "admin", "active"],
      ["anna", "analyst", "active"],
    ]);

    const reset = await run("reset-password", "anna");
    const newPassword = /: (\w{20})$/.exec(reset[0]!)![1]!;
    const [anna] = await sql`SELECT password_hash FROM admin_users WHERE username = 'anna'`;
    assert.equal(await verifyPassword(newPassword, anna!.password_hash), true);
    await assert.rejects(run("reset-password", "nobody"), /There is no console user "nobody"/);

    await assert.rejects(run("disable", "admin"), /"admin" is the last enabled admin/);
    await assert.rejects(run("set-role", "admin", "viewer"), /"admin" is the last enabled admin/);
    assert.deepEqual(await run("set-role", "anna", "admin"), ["anna is now admin."]);
    assert.deepEqual(await run("disable", "admin"), ["Disabled admin."]);

    const audit = await sql<{ actor: string; action: string; target: string }[]>`
      SELECT actor, action, target FROM admin_audit ORDER BY id`;
    assert.deepEqual(audit.map((a) => `${a.actor} ${a.action} ${a.target}`), [
      "cli user.create admin",
      "cli user.create anna",
      "cli user.reset_password anna",
      "cli user.role anna",
      "cli user.disable admin",
    ]);

    // With the only admin disabled, the next start brings "admin" back with a new password.
    await run("disable", "anna").catch(() => {});
    await sql`UPDATE admin_users SET disabled_at = now()`;
    const revived = await run("ensure-admin");
    assert.match(revived[0]!, /Sign in as "admin"/);
    const [back] = await sql`SELECT role, disabled_at FROM admin_users WHERE username = 'admin'`;
    assert.equal(back!.role, "admin");
    assert.equal(back!.disabled_at, null);
  } finally {
    await sql.end({ timeout: 5 });
    await stores.pg.unsafe(`DROP SCHEMA ${schema} CASCADE`);
  }
});
