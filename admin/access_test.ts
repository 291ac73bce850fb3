/**
 * Console access in-process against the real PostgreSQL (`eventflow_test`): the sign-in gate,
 * cookies, CSRF, roles, throttling, idle expiry, sign-out, account management and the audit
 * log. Accounts live under a random `adm_xxxxxxxx_` prefix and are removed afterwards.
 */
import assert from "node:assert/strict";
import { createApp } from "./app.tsx";
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { openTestStores } from "./testing/stores.ts";
import { randomPrefix } from "./testing/seed.ts";
import { removeStaff, setCookieValue, signedIn, signInForm, TEST_COST } from "./testing/session.ts";
import type { Stores } from "./adapters/stores.ts";
import { createAccount } from "./access/accounts.ts";

const quiet = createLogger("admin", { write: () => {} });

function appFor(stores: Stores, clock: { now: Date }, opts: { trustProxy?: boolean } = {}) {
  return createApp({
    stores,
    registry: createRegistry("admin", { processMetrics: false }),
    logger: quiet,
    now: () => clock.now,
    passwordCost: TEST_COST,
    trustProxy: opts.trustProxy,
  });
}

Deno.test("console access: sign-in gate, cookies, CSRF, roles, expiry, sign-out", async (t) => {
  await using stores = await openTestStores();
  const prefix = randomPrefix();
  const clock = { now: new Date() };
  const app = appFor(stores, clock);
  try {
    await t.step("without a session pages redirect to /signin and API calls get 401", async () => {
      const page = await app.request("/orders?status=paid");
      assert.equal(page.status, 303);
      assert.equal(page.headers.get("location"), "/signin?next=%2Forders%3Fstatus%3Dpaid");
      const json = await app.request("/orders", { headers: { accept: "application/json" } });
      assert.equal(json.status, 401);
      assert.equal((await json.json()).error.title, "Sign-in required");
      const post = await app.request("/staff", { method: "POST" });
      assert.equal(post.status, 401);
      await post.body?.cancel();
      for (const path of ["/healthz", "/static/admin.css", "/signin"]) {
        const open = await app.request(path);
        assert.equal(open.status, 200, path);
        await open.body?.cancel();
      }
    });

    const admin = await signedIn(app, stores.pg, { prefix, role: "admin" });

    await t.step(
      "the session cookie is HttpOnly, SameSite=Lax, and Secure only over https",
      async () => {
        const viewer = await createAccount(stores.pg, {
          username: `${prefix}cookie`,
          role: "viewer",
        }, { actor: "test", cost: TEST_COST });
        const plain = await signInForm(app, viewer.username, viewer.password);
        const line = plain.headers.getSetCookie().find((l) => l.startsWith("ef_session="))!;
        assert.match(line, /; Path=\//);
        assert.match(line, /; HttpOnly/);
        assert.match(line, /; SameSite=Lax/);
        assert.doesNotMatch(line, /Secure/);
        assert.equal(setCookieValue(plain, "ef_session")!.length, 43, "32 random bytes, base64url");
        const form = await app.request("https://console.example/signin");
        const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
        const secure = await app.request("https://console.example/signin", {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            cookie: `ef_signin=${setCookieValue(form, "ef_signin")}`,
          },
          body: new URLSearchParams({
            username: viewer.username,
            password: viewer.password,
            _csrf: csrf,
          }),
        });
        assert.equal(secure.status, 303);
        assert.match(
          secure.headers.getSetCookie().find((l) => l.startsWith("ef_session="))!,
          /; Secure/,
        );
        // Only a hash of the id is stored.
        const id = setCookieValue(secure, "ef_session")!;
        const stored = await stores.pg`SELECT 1 FROM admin_sessions WHERE id_hash = ${id}`;
        assert.equal(stored.length, 0);
      },
    );

    await t.step("signed in, /signin redirects to the console and pages render", async () => {
      const again = await admin.get("/signin");
      assert.equal(again.status, 303);
      const page = await admin.get("/staff");
      assert.equal(page.status, 200);
      assert.match(page.html, new RegExp(`Signed in as ${admin.username} \\(admin\\)`));
      assert.match(page.html, /<form class="session" method="post" action="\/signout">/);
    });

    await t.step(
      "a state-changing request without a valid CSRF token is refused with 403",
      async () => {
        const missing = await admin.post(
          "/staff",
          { username: `${prefix}nocsrf`, role: "viewer" },
          {
            csrf: false,
          },
        );
        assert.equal(missing.status, 403);
        assert.match(await missing.text(), /no valid CSRF token/);
        const wrong = await app.request("/staff", {
          method: "POST",
          headers: { ...admin.headers, "x-csrf-token": "forged" },
        });
        assert.equal(wrong.status, 403);
        await wrong.body?.cancel();
        const created = await stores
          .pg`SELECT 1 FROM admin_users WHERE username = ${`${prefix}nocsrf`}`;
        assert.equal(created.length, 0);
      },
    );

    let analystPassword = "";
    await t.step(
      "an admin creates an analyst; the password is shown once and audited",
      async () => {
        const response = await admin.post("/staff", {
          username: `${prefix}Analyst`,
          role: "analyst",
        });
        assert.equal(response.status, 200);
        const html = await response.text();
        const shown = /id="new-password">Created [^.]+\. Their password, shown only now: (\w+)</
          .exec(html);
        assert.ok(shown, "password shown");
        analystPassword = shown[1]!;
        const [row] = await stores.pg`SELECT role, password_hash FROM admin_users
        WHERE username = ${`${prefix}analyst`}`;
        assert.equal(row!.role, "analyst");
        assert.match(row!.password_hash, /^scrypt\$/);
        assert.doesNotMatch(row!.password_hash, new RegExp(analystPassword));
        const audit = await admin.get("/audit");
        assert.match(
          audit.html,
          new RegExp(
            `${admin.username}</td><td class="mono">user.create</td><td class="mono">${prefix}analyst`,
          ),
        );
        const bad = await admin.post("/staff", { username: "No Spaces!", role: "viewer" });
        assert.equal(bad.status, 400);
        assert.match(await bad.text(), /Username &quot;No Spaces!&quot; is invalid/);
        const badRole = await admin.post("/staff", { username: `${prefix}x1`, role: "root" });
        assert.equal(badRole.status, 400);
        assert.match(await badRole.text(), /Role &quot;root&quot; is invalid/);
      },
    );

    await t.step("a viewer is refused admin pages and actions with 403", async () => {
      const viewer = await signedIn(app, stores.pg, { prefix, role: "viewer" });
      const page = await viewer.get("/staff");
      assert.equal(page.status, 403);
      assert.match(page.html, /This needs the admin role; you are signed in as viewer/);
      assert.doesNotMatch(page.html, /href="\/staff"/, "no admin links in the viewer's sidebar");
      const action = await viewer.post(`/staff/${prefix}analyst/disable`, {});
      assert.equal(action.status, 403);
      await action.body?.cancel();
      const [row] = await stores
        .pg`SELECT disabled_at FROM admin_users WHERE username = ${`${prefix}analyst`}`;
      assert.equal(row!.disabled_at, null);
    });

    await t.step(
      "a wrong password fails; five failures lock the username for a while",
      async () => {
        const username = `${prefix}analyst`;
        for (let i = 0; i < 5; i++) {
          const wrong = await signInForm(app, username, "not the password");
          assert.equal(wrong.status, 401);
          assert.match(await wrong.text(), /Wrong username or password/);
        }
        const locked = await signInForm(app, username, analystPassword);
        assert.equal(locked.status, 429);
        assert.equal(locked.headers.get("retry-after"), "900");
        assert.match(await locked.text(), /Too many failed sign-ins/);
        clock.now = new Date(clock.now.getTime() + 16 * 60_000);
        const later = await signInForm(app, username, analystPassword);
        assert.equal(later.status, 303);
        clock.now = new Date();
      },
    );

    await t.step(
      "twenty failures from one address lock that address for every username",
      async () => {
        const proxied = appFor(stores, clock, { trustProxy: true });
        const ip = `198.51.100.${Math.floor(Math.random() * 250)}-${prefix}`;
        for (let i = 0; i < 20; i++) {
          const wrong = await signInForm(proxied, `${prefix}nobody${i}`, "guess", {
            "x-forwarded-for": ip,
          });
          assert.equal(wrong.status, 401);
          await wrong.body?.cancel();
        }
        const locked = await signInForm(proxied, `${prefix}analyst`, analystPassword, {
          "x-forwarded-for": ip,
        });
        assert.equal(locked.status, 429);
        await locked.body?.cancel();
        const elsewhere = await signInForm(proxied, `${prefix}analyst`, analystPassword, {
          "x-forwarded-for": "203.0.113.7",
        });
        assert.equal(elsewhere.status, 303);
        await stores.pg`DELETE FROM admin_signin_failures WHERE client_ip = ${ip}`;
      },
    );

    await t.step("a session unused for 30 minutes ends; use keeps it alive", async () => {
      const viewer = await signedIn(app, stores.pg, { prefix, role: "viewer", suffix: "idle" });
      clock.now = new Date(clock.now.getTime() + 20 * 60_000);
      assert.equal((await viewer.get("/audit")).status, 403, "still signed in after 20 min");
      clock.now = new Date(clock.now.getTime() + 20 * 60_000);
      assert.equal((await viewer.get("/audit")).status, 403, "40 min in, but used 20 min ago");
      clock.now = new Date(clock.now.getTime() + 31 * 60_000);
      const expired = await viewer.get("/audit");
      assert.equal(expired.status, 303, "31 idle minutes later the session is gone");
      clock.now = new Date();
    });

    await t.step("disabling an account ends its sessions and its sign-ins", async () => {
      const victim = await signedIn(app, stores.pg, { prefix, role: "viewer", suffix: "gone" });
      const done = await admin.post(`/staff/${victim.username}/disable`, {});
      assert.equal(done.status, 303);
      assert.equal((await victim.get("/")).status, 303);
      const again = await signInForm(app, victim.username, victim.password);
      assert.equal(again.status, 401);
      await again.body?.cancel();
    });

    await t.step("sign-out ends the session server-side and needs its CSRF token", async () => {
      const viewer = await signedIn(app, stores.pg, { prefix, role: "viewer", suffix: "out" });
      const forged = await viewer.post("/signout", {}, { csrf: false });
      assert.equal(forged.status, 403);
      await forged.body?.cancel();
      const out = await viewer.post("/signout", {});
      assert.equal(out.status, 303);
      assert.equal(out.headers.get("location"), "/signin");
      assert.equal((await viewer.get("/")).status, 303, "the old cookie no longer works");
      const sessions = await stores
        .pg`SELECT 1 FROM admin_sessions WHERE username = ${viewer.username}`;
      assert.equal(sessions.length, 0);
    });

    await t.step("sign-in never redirects off-site", async () => {
      const viewer = await createAccount(
        stores.pg,
        { username: `${prefix}redir`, role: "viewer" },
        {
          actor: "test",
          cost: TEST_COST,
        },
      );
      const form = await app.request("/signin?next=//evil.example/x");
      const html = await form.text();
      assert.match(html, /name="next" value="\/"/);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
      const response = await app.request("/signin", {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          cookie: `ef_signin=${setCookieValue(form, "ef_signin")}`,
        },
        body: new URLSearchParams({
          username: viewer.username,
          password: viewer.password,
          _csrf: csrf,
          next: "https://evil.example/",
        }),
      });
      assert.equal(response.headers.get("location"), "/");
    });

    await t.step("the sign-in form itself refuses a post without its CSRF cookie", async () => {
      const response = await app.request("/signin", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          username: admin.username,
          password: admin.password,
          _csrf: "x",
        }),
      });
      assert.equal(response.status, 403);
      assert.match(await response.text(), /The sign-in form expired/);
    });
  } finally {
    await removeStaff(stores.pg, prefix);
  }
});
