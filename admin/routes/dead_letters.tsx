/**
 * `/dead-letters` (admins): what any stage could not process, by stage and reason, newest first,
 * with the payload masked; selected records are replayed to their source topics after a
 * confirmation step (POST with `confirm=yes`), and each replay is audited.
 */
// deno-lint-ignore-file jsx-key
import { type Context, Hono } from "hono";
import { type PageDeps, renderPage } from "./deps.ts";
import { uiOf } from "../components/ui.ts";
import type { DeadLetterPort, Located, Position } from "../adapters/dead_letters.ts";
import { insertAudit } from "../adapters/pg_access.ts";
import { withPostgres } from "../adapters/stores.ts";
import { requireRole, staffOf } from "../access/middleware.ts";
import { CsrfField, Layout, PageHead } from "../components/layout.tsx";
import { DataTable } from "../components/table.tsx";
import { maskPayload } from "../core/mask_payload.ts";
import { parseText } from "../core/params.ts";
import { InputError } from "../core/errors.ts";
import { filterRecords, payloadBytes } from "../../shared/dead_letter/mod.ts";

/** Records shown at most (the newest). */
export const SHOWN = 200;
/** Records one replay may select at most. */
export const MAX_REPLAY = 500;

/** Parses the selected `<partition>:<offset>` values; a bad or missing one is an InputError. */
export function parseSelection(values: string[]): Position[] {
  if (values.length === 0) {
    throw new InputError("pos", 'Select at least one record to replay (field "pos")');
  }
  if (values.length > MAX_REPLAY) {
    throw new InputError("pos", `Select at most ${MAX_REPLAY} records, got ${values.length}`);
  }
  return [...new Set(values)].map((value) => {
    const match = /^(\d{1,6}):(\d{1,19})$/.exec(value);
    if (match === null) {
      throw new InputError(
        "pos",
        `"${value.slice(0, 40)}" is not a record position <partition>:<offset>`,
      );
    }
    return { partition: Number(match[1]), offset: match[2]! };
  });
}

function payloadText(located: Located): string {
  if (located.record === null) return "";
  return new TextDecoder().decode(payloadBytes(located.record));
}

/** The dead-letter page. */
export function deadLetterRoutes(deps: PageDeps & { deadLetters: DeadLetterPort }): Hono {
  const app = new Hono();
  app.use(requireRole("admin"));

  const listPage = async (c: Context, flash?: string) => {
    const ui = uiOf(c);
    const { t, fmt } = ui;
    const stage = parseText("stage", c.req.query("stage"), { maxLength: 100 });
    const reason = parseText("reason", c.req.query("reason"), { maxLength: 100 });
    const all = await deps.deadLetters.list();
    const readable = all.filter((r) => r.record !== null);
    const stages = [...new Set(readable.map((r) => r.record!.stage))].sort();
    const reasons = [...new Set(readable.map((r) => r.record!.reason))].sort();
    const matching = stage === undefined && reason === undefined
      ? all
      : filterRecords(all, { stage, reason });
    const shown = matching.slice(-SHOWN).reverse();
    return renderPage(
      c,
      <Layout title={t("dlq.title")} active="/dead-letters">
        <PageHead
          title={t("dlq.title")}
          sub={t("dlq.sub", { shown: fmt.count(shown.length), total: fmt.count(all.length) })}
        />
        {flash !== undefined && <p class="flash ok" role="status">{flash}</p>}
        <form class="filters" method="get" action="/dead-letters">
          <label>
            {t("dlq.stage")}
            <select name="stage">
              <option value="">{t("dlq.any")}</option>
              {stages.map((s) => <option value={s} selected={s === stage}>{s}</option>)}
            </select>
          </label>
          <label>
            {t("dlq.reason")}
            <select name="reason">
              <option value="">{t("dlq.any")}</option>
              {reasons.map((r) => <option value={r} selected={r === reason}>{r}</option>)}
            </select>
          </label>
          <button type="submit" class="secondary">{t("common.filter")}</button>
        </form>
        <form method="post" action="/dead-letters/replay" id="dlq-form">
          <CsrfField token={staffOf(c).csrf_token} />
          <div class="panel">
            <DataTable
              id="dead-letters"
              columns={[
                { label: t("dlq.col.select") },
                { label: t("dlq.col.position") },
                { label: t("dlq.col.failed_at") },
                { label: t("dlq.stage") },
                { label: t("dlq.reason") },
                { label: t("dlq.col.event") },
                { label: t("dlq.col.replays"), num: true },
                { label: t("dlq.col.error") },
              ]}
              empty={t("dlq.empty")}
              rows={shown.map((located) => {
                const position = `${located.partition}:${located.offset}`;
                const record = located.record;
                return (
                  <tr data-position={position}>
                    <td>
                      {record !== null && (
                        <input
                          type="checkbox"
                          name="pos"
                          value={position}
                          aria-label={`${t("dlq.col.select")} ${position}`}
                        />
                      )}
                    </td>
                    <td class="mono">{position}</td>
                    <td class="mono">{record === null ? "—" : fmt.time(record.failed_at)}</td>
                    <td>{record?.stage ?? t("dlq.unreadable")}</td>
                    <td class="mono">{record?.reason ?? "—"}</td>
                    <td class="mono">{record?.event_id ?? "—"}</td>
                    <td class="num">{record === null ? "—" : fmt.count(record.replays)}</td>
                    <td>
                      <div>{(record?.error ?? located.invalid ?? "").slice(0, 300)}</div>
                      {record !== null && (
                        <details>
                          <summary>{t("dlq.col.payload")}</summary>
                          <pre class="payload">{maskPayload(payloadText(located))}</pre>
                        </details>
                      )}
                    </td>
                  </tr>
                );
              })}
            />
          </div>
          {shown.length > 0 && <button type="submit" id="replay">{t("dlq.replay")}</button>}
        </form>
      </Layout>,
    );
  };

  app.get("/", (c) => listPage(c));
  app.post("/replay", async (c) => {
    const ui = uiOf(c);
    const { t } = ui;
    const body = await c.req.parseBody({ all: true });
    const raw = body.pos;
    const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
      .filter((v): v is string => typeof v === "string");
    const positions = parseSelection(values);
    if (body.confirm !== "yes") {
      // Step one: show what would be replayed and ask.
      return renderPage(
        c,
        <Layout title={t("dlq.title")} active="/dead-letters">
          <PageHead title={t("dlq.confirm.title", { count: positions.length })} />
          <div class="panel" id="dlq-confirm">
            <p>{t("dlq.confirm.text")}</p>
            <ul>
              {positions.map((p) => <li class="mono">{`${p.partition}:${p.offset}`}</li>)}
            </ul>
            <form method="post" action="/dead-letters/replay" class="inline">
              <CsrfField token={staffOf(c).csrf_token} />
              {positions.map((p) => (
                <input type="hidden" name="pos" value={`${p.partition}:${p.offset}`} />
              ))}
              <input type="hidden" name="confirm" value="yes" />
              <button type="submit" id="confirm-replay">{t("dlq.confirm.submit")}</button>
            </form>
            <a class="button secondary" href="/dead-letters">{t("dlq.cancel")}</a>
          </div>
        </Layout>,
      );
    }
    const { sent, missing } = await deps.deadLetters.replay(positions);
    await withPostgres(deps.stores, (sql) =>
      insertAudit(sql, {
        actor: staffOf(c).username,
        action: "dead_letter.replay",
        target: positions.map((p) => `${p.partition}:${p.offset}`).join(",").slice(0, 500),
        details: { sent, missing: missing.map((p) => `${p.partition}:${p.offset}`) },
      }));
    return listPage(c, t("dlq.replayed", { count: sent }));
  });
  return app;
}
