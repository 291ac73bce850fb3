/**
 * One real alert end to end: a service is killed, the real Prometheus evaluates the project's
 * EventFlowServiceDown rule on its `up` series, the real Alertmanager routes it to the alerts
 * service's receiver, and the alerts service delivers it, signed, to a local webhook receiver.
 *
 * The rules are infra/prometheus/alerts.yml with every `for:` shortened to 0s and the intervals
 * at 1 s, so the test waits seconds instead of minutes; the expressions are the real ones.
 */
import assert from "node:assert/strict";
import { parse, stringify } from "yaml";
import { verifyWebhook } from "../alerts/core/signature.ts";
import { daemonComponent } from "../infra/stack/daemon.ts";
import { alertmanagerConfig, ensureReceiverToken } from "../infra/alertmanager/config.ts";
import { localPrometheusConfig } from "../infra/prometheus/local.ts";
import { serviceEntry, startService } from "../shared/testing/service_process.ts";
import { TEST_ENV, waitFor } from "../shared/testing/stores.ts";
import { freePort } from "../shared/process/mod.ts";

const SECRET = "whsec_e2e_0123456789abcdef";

/** The project's rules, each firing as soon as its expression holds. */
async function fastRules(): Promise<string> {
  const rules = parse(
    await Deno.readTextFile(new URL("../infra/prometheus/alerts.yml", import.meta.url)),
  ) as { groups: { rules: { for?: string }[] }[] };
  for (const group of rules.groups) {
    for (const rule of group.rules) if (rule.for !== undefined) rule.for = "0s";
  }
  return stringify(rules);
}

Deno.test("a killed service fires EventFlowServiceDown, delivered through Alertmanager and the alerts service", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eventflow_test_alerting_" });
  const received: { headers: Headers; body: string }[] = [];
  const hook = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    received.push({ headers: req.headers, body: await req.text() });
    return new Response("ok");
  });
  const token = await ensureReceiverToken(`${dir}/receiver_token`);
  const prefix = `test_alerting_${crypto.randomUUID().slice(0, 8)}`;
  const daemons: { down(): Promise<boolean> }[] = [];
  try {
    // The victim: a real query service, scraped as job "query".
    await using victim = await startService(serviceEntry("query"), {
      env: {
        DATABASE_URL: TEST_ENV.DATABASE_URL,
        REDIS_URL: TEST_ENV.REDIS_URL,
        CLICKHOUSE_URL: TEST_ENV.CLICKHOUSE_URL,
        CLICKHOUSE_DATABASE: TEST_ENV.CLICKHOUSE_DATABASE,
        CLICKHOUSE_USER: TEST_ENV.CLICKHOUSE_READER_USER,
        CLICKHOUSE_PASSWORD: TEST_ENV.CLICKHOUSE_READER_PASSWORD,
        QUERY_CACHE_PREFIX: `${prefix}:`,
      },
    });
    // The alerts service with the receiver on and one webhook destination.
    await using alerts = await startService(serviceEntry("alerts"), {
      env: {
        KAFKA_BROKERS: TEST_ENV.KAFKA_BROKERS,
        REDIS_URL: TEST_ENV.REDIS_URL,
        DATABASE_URL: TEST_ENV.DATABASE_URL,
        TOPIC_ENRICHED: `${prefix}_enriched`,
        TOPIC_DEAD_LETTER: `${prefix}_dlq`,
        CONSUMER_GROUP: `${prefix}_alerts`,
        REDIS_KEY_PREFIX: `${prefix}:`,
        ALERT_WEBHOOKS: JSON.stringify({
          ops: { url: `http://127.0.0.1:${hook.addr.port}/hook`, secret: SECRET },
        }),
        ALERTMANAGER_TOKEN: token,
      },
    });
    const alertmanagerPort = freePort();
    const alertmanager = daemonComponent({
      name: "alertmanager",
      dir: `${dir}/alertmanager`,
      bin: "/usr/bin/prometheus-alertmanager",
      args: [
        `--config.file=${dir}/alertmanager.yml`,
        `--storage.path=${dir}/alertmanager/data`,
        `--web.listen-address=127.0.0.1:${alertmanagerPort}`,
        "--cluster.listen-address=",
      ],
      port: alertmanagerPort,
      readyPath: "/-/ready",
      prepare: () =>
        Deno.writeTextFile(
          `${dir}/alertmanager.yml`,
          alertmanagerConfig({
            receiverUrl: `${alerts.url}/api/v1/alertmanager`,
            tokenFile: `${dir}/receiver_token`,
            groupWait: "1s",
          }),
        ),
    });
    daemons.push(alertmanager);
    await alertmanager.up();

    const prometheusPort = freePort();
    await Deno.writeTextFile(`${dir}/alerts.yml`, await fastRules());
    await Deno.writeTextFile(
      `${dir}/prometheus.yml`,
      localPrometheusConfig([{ job: "query", port: victim.port }], {
        intervalSeconds: 1,
        ruleFiles: [`${dir}/alerts.yml`],
        alertmanagers: [`127.0.0.1:${alertmanagerPort}`],
      }).replace("scrape_timeout: 4s", "scrape_timeout: 1s"),
    );
    const prometheus = daemonComponent({
      name: "prometheus",
      dir: `${dir}/prometheus`,
      bin: "/usr/bin/prometheus",
      args: [
        `--config.file=${dir}/prometheus.yml`,
        `--storage.tsdb.path=${dir}/prometheus/data`,
        `--web.listen-address=127.0.0.1:${prometheusPort}`,
      ],
      port: prometheusPort,
      readyPath: "/-/ready",
    });
    daemons.push(prometheus);
    await prometheus.up();
    const upOf = async () => {
      const res = await fetch(`http://127.0.0.1:${prometheusPort}/api/v1/query?query=up`);
      return (await res.json()).data.result as {
        metric: { job: string };
        value: [number, string];
      }[];
    };
    await waitFor(async () => (await upOf()).some((s) => s.value[1] === "1"), {
      timeoutMs: 30_000,
      message: "Prometheus scraping the query service",
    });
    assert.equal(received.length, 0, "nothing fires while the service is up");

    await victim.kill();
    await waitFor(() => Promise.resolve(received.length > 0), {
      timeoutMs: 60_000,
      message: "the EventFlowServiceDown alert at the webhook receiver",
    });
    const [delivery] = received;
    assert.deepEqual(
      verifyWebhook(SECRET, {
        body: delivery!.body,
        timestamp: delivery!.headers.get("x-eventflow-timestamp"),
        signature: delivery!.headers.get("x-eventflow-signature"),
      }),
      { ok: true },
    );
    const body = JSON.parse(delivery!.body);
    assert.equal(body.kind, "ops");
    assert.equal(body.status, "firing");
    assert.equal(body.name, "EventFlowServiceDown");
    assert.equal(body.labels.job, "query");
    assert.equal(body.labels.severity, "critical");
    assert.match(body.text, /^🔥 FIRING EventFlowServiceDown \[critical\] .*job=query/);
    assert.equal(delivery!.headers.get("x-eventflow-rule"), "EventFlowServiceDown");
  } finally {
    for (const daemon of daemons.reverse()) await daemon.down();
    await hook.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
