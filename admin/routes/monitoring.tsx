/**
 * `/monitoring`: live pipeline figures from Prometheus (events/s in and out per stage, consumer
 * lag, dead letters, services up, freshness) and, when GRAFANA_URL is set, the two provisioned
 * Grafana dashboards embedded (compose allows embedding) with links out. `?refresh=15` reloads
 * the page every 15 s.
 */
import { Hono } from "hono";
import { type PageDeps, renderPage } from "./deps.ts";
import { pipelineFigures } from "../adapters/prometheus.ts";
import { Layout, PageHead } from "../components/layout.tsx";
import { DataTable } from "../components/table.tsx";
import { KpiCard } from "../components/widgets.tsx";
import { uiOf } from "../components/ui.ts";
import { parseChoice } from "../core/params.ts";

/** Where the monitoring page reads from. */
export interface MonitoringDeps extends PageDeps {
  prometheusUrl: string;
  /** Browser-facing Grafana URL; no embeds when absent. */
  grafanaUrl?: string;
}

/** The uids of the dashboards in grafana/dashboards/. */
export const DASHBOARDS = ["eventflow-system", "eventflow-business"] as const;

/** The monitoring page; mount at `/monitoring`. */
export function monitoringRoutes(deps: MonitoringDeps): Hono {
  const app = new Hono();
  app.get("/", async (c) => {
    const { t, locale } = uiOf(c);
    // Opt-in, like the live events page: an unasked-for reload disorients screen-reader users.
    const refresh = parseChoice("refresh", c.req.query("refresh"), ["15", "30", "60"] as const);
    const f = await pipelineFigures(deps.prometheusUrl, { timeoutMs: deps.stores.timeoutMs });
    const rate = new Intl.NumberFormat(locale === "ru" ? "ru-RU" : "en-US", {
      maximumFractionDigits: 1,
    });
    const r = (value: number) => rate.format(value);
    return renderPage(
      c,
      <Layout
        title={t("mon.title")}
        active="/monitoring"
        refreshSeconds={refresh === undefined ? undefined : Number(refresh)}
      >
        <PageHead title={t("mon.title")} sub={t("mon.sub", { url: deps.prometheusUrl })}>
          <a
            class="button secondary"
            href={refresh === undefined ? "/monitoring?refresh=15" : "/monitoring"}
          >
            {refresh === undefined ? t("mon.refresh_on") : t("mon.refresh_off")}
          </a>
        </PageHead>
        <div class="grid kpis">
          <KpiCard
            id="ingest"
            label={t("mon.ingest")}
            value={r(f.ingestAccepted)}
            hint={t("mon.rejected", { rate: r(f.ingestRejected) })}
          />
          <KpiCard id="enrich-in" label={t("mon.enrich_in")} value={r(f.enrichIn)} />
          <KpiCard id="enrich-out" label={t("mon.enrich_out")} value={r(f.enrichOut)} />
          <KpiCard id="dead-letters" label={t("mon.dead")} value={r(f.deadLetters)} />
          <KpiCard
            id="freshness"
            label={t("mon.fresh")}
            value={f.freshnessP95 === null ? "—" : `${r(f.freshnessP95)} s`}
            hint={f.freshnessP95 === null ? t("mon.fresh_none") : undefined}
          />
        </div>
        <div class="grid two">
          <div class="panel">
            <h2>{t("mon.services")}</h2>
            <DataTable
              id="services"
              columns={[
                { label: t("mon.col.service") },
                { label: t("mon.col.instance") },
                { label: t("mon.col.state") },
              ]}
              empty={t("mon.none")}
              rows={f.up.map((s) => (
                <tr>
                  <td>{s.labels.job}</td>
                  <td class="mono">{s.labels.instance}</td>
                  <td>
                    <span class={`badge ${s.value === 1 ? "ok" : "bad"}`}>
                      {s.value === 1 ? t("mon.up") : t("mon.down")}
                    </span>
                  </td>
                </tr>
              ))}
            />
          </div>
          <div>
            <div class="panel">
              <h2>{t("mon.sink")}</h2>
              <DataTable
                id="sink-rows"
                columns={[{ label: t("mon.col.store") }, { label: t("mon.col.rate"), num: true }]}
                empty={t("mon.none")}
                rows={f.sinkRows.map((s) => (
                  <tr>
                    <td>{s.labels.store}</td>
                    <td class="num">{r(s.value)}</td>
                  </tr>
                ))}
              />
            </div>
            <div class="panel">
              <h2>{t("mon.lag")}</h2>
              <DataTable
                id="lag"
                columns={[{ label: t("mon.col.group") }, { label: t("mon.col.lag"), num: true }]}
                empty={t("mon.none")}
                rows={f.lag.map((s) => (
                  <tr>
                    <td class="mono">{s.labels.group}</td>
                    <td class="num">{r(s.value)}</td>
                  </tr>
                ))}
              />
            </div>
          </div>
        </div>
        <div class="panel">
          <h2>{t("mon.grafana")}</h2>
          {deps.grafanaUrl === undefined ? <p class="muted">{t("mon.grafana_off")}</p> : (
            DASHBOARDS.map((uid) => (
              <div class="grafana">
                <p>
                  <a href={`${deps.grafanaUrl}/d/${uid}`} target="_blank" rel="noopener">
                    {t("mon.grafana_open")}: {uid}
                  </a>
                </p>
                <iframe
                  title={uid}
                  src={`${deps.grafanaUrl}/d/${uid}?kiosk&refresh=30s`}
                  width="100%"
                  height="600"
                  loading="lazy"
                />
              </div>
            ))
          )}
        </div>
      </Layout>,
    );
  });
  return app;
}
