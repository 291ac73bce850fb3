// deno-lint-ignore-file jsx-key -- server-rendered once, nothing reconciles lists, so keys would only leak into the HTML as attributes
/** `/staff` (console users: create, role, disable, reset password) and `/audit`, admins only. */
import { type Context, Hono } from "hono";
import { type PageDeps, renderPage } from "./deps.ts";
import { withPostgres } from "../adapters/stores.ts";
import { listAudit, ROLES, type StaffUser } from "../adapters/pg_access.ts";
import {
  changeRole,
  createAccount,
  listAccounts,
  resetPassword,
  setDisabled,
} from "../access/accounts.ts";
import { requireRole, staffOf } from "../access/middleware.ts";
import type { ScryptCost } from "../access/password.ts";
import { parsePage } from "../core/params.ts";
import { CsrfField, Layout, PageHead } from "../components/layout.tsx";
import { DataTable } from "../components/table.tsx";
import { uiOf, useUi } from "../components/ui.ts";

/** Dependencies of the staff pages. */
export interface StaffDeps extends PageDeps {
  /** scrypt cost of new password hashes. */
  passwordCost?: ScryptCost;
}

function StaffPage(props: { users: StaffUser[]; flash?: string; flashId?: string }) {
  const { t, fmt, staff } = useUi();
  const csrf = staff?.csrf_token ?? "";
  return (
    <Layout title={t("staff.title")} active="/staff">
      <PageHead title={t("staff.title")} sub={t("staff.sub", { count: props.users.length })} />
      {props.flash !== undefined && (
        <p class="flash ok" role="status" id={props.flashId}>{props.flash}</p>
      )}
      <div class="panel">
        <DataTable
          id="staff"
          columns={[
            { label: t("staff.col.username") },
            { label: t("staff.col.role") },
            { label: t("staff.col.created") },
            { label: t("staff.col.status") },
            { label: t("staff.col.actions") },
          ]}
          empty="—"
          rows={props.users.map((u) => (
            <tr>
              <td class="mono">{u.username}</td>
              <td>{t(`role.${u.role}`)}</td>
              <td>{fmt.time(u.created_at)}</td>
              <td>
                {u.disabled_at === null ? t("staff.status.active") : t("staff.status.disabled")}
              </td>
              <td class="actions">
                <form method="post" action={`/staff/${u.username}/role`} class="inline">
                  <CsrfField token={csrf} />
                  <select name="role" aria-label={`${t("staff.col.role")} ${u.username}`}>
                    {ROLES.map((r) => (
                      <option value={r} selected={r === u.role}>{t(`role.${r}`)}</option>
                    ))}
                  </select>
                  <button type="submit" class="secondary">{t("staff.set_role")}</button>
                </form>
                <form method="post" action={`/staff/${u.username}/reset`} class="inline">
                  <CsrfField token={csrf} />
                  <button type="submit" class="secondary">{t("staff.reset")}</button>
                </form>
                <form
                  method="post"
                  action={`/staff/${u.username}/${u.disabled_at === null ? "disable" : "enable"}`}
                  class="inline"
                >
                  <CsrfField token={csrf} />
                  <button type="submit" class="secondary">
                    {u.disabled_at === null ? t("staff.disable") : t("staff.enable")}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        />
      </div>
      <div class="panel">
        <h2>{t("staff.create.title")}</h2>
        <form method="post" action="/staff" class="filters">
          <CsrfField token={csrf} />
          <label>
            {t("staff.col.username")}
            <input name="username" required pattern="[a-z0-9][a-z0-9._\-]{1,62}" />
          </label>
          <label>
            {t("staff.col.role")}
            <select name="role">
              {ROLES.map((r) => <option value={r}>{t(`role.${r}`)}</option>)}
            </select>
          </label>
          <button type="submit">{t("staff.create.submit")}</button>
        </form>
      </div>
    </Layout>
  );
}

/** The console-user pages (admin role); mount at `/staff`. */
export function staffRoutes(deps: StaffDeps): Hono {
  const app = new Hono();
  app.use(requireRole("admin"));
  const opts = (c: Context) => ({ actor: staffOf(c).username, cost: deps.passwordCost });
  const show = async (c: Context, flash?: string, flashId?: string) => {
    const users = await withPostgres(deps.stores, listAccounts);
    return renderPage(c, <StaffPage users={users} flash={flash} flashId={flashId} />);
  };

  app.get("/", (c) => show(c));
  app.post("/", async (c) => {
    const form = await c.req.parseBody();
    const created = await withPostgres(
      deps.stores,
      (sql) => createAccount(sql, { username: form.username, role: form.role }, opts(c)),
    );
    const { t } = uiOf(c);
    return show(
      c,
      t("staff.created", { user: created.username, password: created.password }),
      "new-password",
    );
  });
  app.post("/:username/reset", async (c) => {
    const done = await withPostgres(
      deps.stores,
      (sql) => resetPassword(sql, { username: c.req.param("username") }, opts(c)),
    );
    return show(
      c,
      uiOf(c).t("staff.reset.done", { user: done.username, password: done.password }),
      "new-password",
    );
  });
  for (const [action, disabled] of [["disable", true], ["enable", false]] as const) {
    app.post(`/:username/${action}`, async (c) => {
      await withPostgres(
        deps.stores,
        (sql) => setDisabled(sql, { username: c.req.param("username"), disabled }, opts(c)),
      );
      return c.redirect("/staff", 303);
    });
  }
  app.post("/:username/role", async (c) => {
    const form = await c.req.parseBody();
    await withPostgres(
      deps.stores,
      (sql) => changeRole(sql, { username: c.req.param("username"), role: form.role }, opts(c)),
    );
    return c.redirect("/staff", 303);
  });
  return app;
}

/** The audit log page (admin role). */
export function auditRoutes(deps: PageDeps): Hono {
  const app = new Hono();
  app.use(requireRole("admin"));
  app.get("/", async (c) => {
    const page = parsePage(c.req.query("page"));
    const entries = await withPostgres(
      deps.stores,
      (sql) => listAudit(sql, { limit: 100, offset: (page - 1) * 100 }),
    );
    return renderPage(c, <AuditPage entries={entries} page={page} />);
  });
  return app;
}

function AuditPage(props: { entries: Awaited<ReturnType<typeof listAudit>>; page: number }) {
  const { t, fmt } = useUi();
  return (
    <Layout title={t("audit.title")} active="/audit">
      <PageHead title={t("audit.title")} sub={t("audit.sub")} />
      <div class="panel">
        <DataTable
          id="audit"
          columns={[
            { label: t("audit.col.at") },
            { label: t("audit.col.actor") },
            { label: t("audit.col.action") },
            { label: t("audit.col.target") },
            { label: t("audit.col.details") },
          ]}
          empty={t("audit.empty")}
          rows={props.entries.map((e) => (
            <tr>
              <td>{fmt.time(e.at)}</td>
              <td class="mono">{e.actor}</td>
              <td class="mono">{e.action}</td>
              <td class="mono">{e.target ?? "—"}</td>
              <td class="mono">
                {Object.keys(e.details).length > 0 ? JSON.stringify(e.details) : ""}
              </td>
            </tr>
          ))}
        />
        {props.entries.length === 100 && (
          <p>
            <a href={`/audit?page=${props.page + 1}`}>{t("common.next")}</a>
          </p>
        )}
      </div>
    </Layout>
  );
}
