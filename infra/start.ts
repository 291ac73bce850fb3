/**
 * `deno task start` (what `npm start` runs): the whole product on this machine.
 *
 * Brings the stack up, applies migrations, provisions the dev write key, runs every service that
 * exists as a supervised child process with prefixed output (one that exits unasked is restarted
 * with backoff: stack/supervisor.ts), waits for their /readyz and prints where everything is and
 * the service table. Ctrl-C (or SIGTERM) stops the services gracefully without restarts, then the
 * components this run started; components that were already running are left alone.
 */
import { exists, run, runInherited } from "../shared/process/mod.ts";
import {
  clickhouseEnv,
  ensureClickHouseCredentials,
  usersFilePath,
} from "./stack/clickhouse_users.ts";
import { ensureReceiverToken } from "./alertmanager/config.ts";
import { ensureDeadLetterKey } from "./stack/dead_letter_key.ts";
import { loadStackConfig, type ServiceSpec, type StackConfig } from "./stack/config.ts";
import { serviceUnit, waitServiceReady } from "./stack/services.ts";
import { migrateStack, reportUpFailures, stackDown, stackUp } from "./stack/stack.ts";
import { supervise, type Supervisor } from "./stack/supervisor.ts";
import { supervisorApp } from "./stack/supervisor_http.ts";
import { formatServiceTable, statusFileWriter } from "./stack/supervisor_status.ts";
import { createRegistry } from "../shared/metrics.ts";

const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

/** The banner printed once services are ready. */
export function banner(
  config: StackConfig,
  opts: {
    ready: ServiceSpec[];
    /** The local-development write key, or null when it is not active (revoked, not provisioned). */
    writeKey: string | null;
    /** The local-development server-kind key (purchases, refunds, traits), when active. */
    serverKey?: string | null;
    /** The local-development query API token, when provisioned. */
    queryToken?: string;
  },
): string {
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const port = (name: ServiceSpec["name"]) => config.services.find((s) => s.name === name)?.port;
  const lines = ["", "EventFlow is running.", ""];
  const ingest = port("ingest");
  const admin = port("admin");
  if (admin !== undefined && opts.ready.some((s) => s.name === "admin")) {
    lines.push(`  Admin console  ${url(admin)}`);
  }
  if (ingest !== undefined) lines.push(`  Ingest API     ${url(ingest)}`);
  const query = port("query");
  if (query !== undefined && opts.ready.some((s) => s.name === "query")) {
    lines.push(`  Query API      ${url(query)}/api/docs`);
  }
  lines.push(
    `  Prometheus     ${config.prometheus.url}`,
    `  ClickHouse     ${config.clickhouse.url} (database ${config.clickhouse.database}; ` +
      `users and passwords in ${usersFilePath(config.dir)})`,
    `  Kafka          ${config.kafka.bootstrap}`,
    "",
    "  Metrics:",
  );
  for (const s of opts.ready) {
    lines.push(`    ${s.name.padEnd(7)} ${url(s.opsPort ?? s.port)}/metrics`);
  }
  if (opts.writeKey === null) {
    lines.push(
      "",
      "  Dev write key  not active (see the message above); create a source for this machine:",
    );
    lines.push("    deno run -A ingest/cli/sources.ts create --name local");
  } else {
    lines.push(
      "",
      `  Dev write key  ${opts.writeKey}`,
      "                 local development only: a well-known key for this machine's stack;",
      "                 never use it elsewhere (revoke: ingest/cli/sources.ts revoke dev)",
    );
  }
  if (opts.serverKey) {
    lines.push(
      `  Dev server key ${opts.serverKey}`,
      "                 local development only: a well-known back-end key (purchases, refunds",
      "                 and traits reach PostgreSQL only from server keys); never use it elsewhere",
      "                 (revoke: ingest/cli/sources.ts revoke dev_server)",
    );
  }
  if (ingest !== undefined && opts.writeKey !== null) {
    lines.push(
      "  Try it:",
      `    curl -s ${url(ingest)}/v1/track -H 'Content-Type: application/json' \\`,
      `      -H 'X-Write-Key: ${opts.writeKey}' \\`,
      `      -d '{"userId":"user_1","event":"Signed Up","properties":{"plan":"pro"}}'`,
    );
  }
  if (query !== undefined && opts.queryToken !== undefined) {
    lines.push(
      "",
      `  Dev query token  ${opts.queryToken}`,
      `    curl -s '${url(query)}/api/v1/active-users?last=today&compare=week' \\`,
      `      -H 'Authorization: Bearer ${opts.queryToken}'`,
    );
  }
  lines.push("", "Press Ctrl-C to stop.");
  return lines.join("\n");
}

/**
 * The console's way to the query service: its URL and the token `npm start` just ensured, unless
 * QUERY_URL / QUERY_TOKEN are set already. Without the query service the console says so on its
 * analytics pages.
 */
export function consoleQueryEnv(
  env: Record<string, string | undefined>,
  opts: { queryPort: number | undefined; queryTokenReady: boolean; queryToken: string },
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!env.QUERY_URL && opts.queryPort !== undefined) {
    out.QUERY_URL = `http://127.0.0.1:${opts.queryPort}`;
  }
  if (!env.QUERY_TOKEN && opts.queryTokenReady) out.QUERY_TOKEN = opts.queryToken;
  return out;
}

async function main(): Promise<number> {
  const deno = Deno.execPath();
  const config = loadStackConfig(Deno.env.toObject());
  const cwd = config.repoRoot;
  const writeKey = Deno.env.get("EVENTFLOW_DEV_WRITE_KEY") ?? "dev_write_key";
  const serverKey = Deno.env.get("EVENTFLOW_DEV_SERVER_KEY") ?? "dev_server_key";
  const queryToken = Deno.env.get("EVENTFLOW_DEV_QUERY_TOKEN") ?? "dev_query_token";
  const env = {
    ...Deno.env.toObject(),
    EVENTFLOW_DEV_WRITE_KEY: writeKey,
    EVENTFLOW_DEV_SERVER_KEY: serverKey,
    EVENTFLOW_DEV_QUERY_TOKEN: queryToken,
  };

  console.log(`Stack directory: ${config.dir}`);
  const up = await stackUp(config, { onProgress: (line) => console.log(line) });
  const statusFile = statusFileWriter(config.supervisor.statusFile);
  let supervisor: Supervisor | null = null;
  let supervisorServer: Deno.HttpServer | null = null;
  let stopping: Promise<void> | null = null;
  const shutdown = () => {
    stopping ??= (async () => {
      console.log("\nStopping services…");
      await supervisor?.stop();
      await statusFile.flushed();
      await supervisorServer?.shutdown();
      if (up.started.length > 0) {
        console.log(`Stopping components this run started: ${up.started.join(", ")}`);
        await stackDown(config, { names: up.started }).catch((error) => {
          console.error(`warning: ${(error as Error).message}`);
        });
      }
    })();
    return stopping;
  };
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    void shutdown();
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);

  if (reportUpFailures(up) || !(await migrateStack(config))) {
    await shutdown();
    return 1;
  }

  let devKey: string | null = null;
  let devServerKey: string | null = null;
  if (await exists(`${cwd}/ingest/cli/sources.ts`)) {
    // The public web key and the back-end one; each stays revoked once revoked.
    for (const kind of ["public", "server"] as const) {
      const args = ["run", "-A", "ingest/cli/sources.ts", "ensure-dev", "--kind", kind];
      const code = await runInherited(deno, args, { timeoutMs: 60_000, cwd, env });
      // Exit 3: the source was revoked and stays so (ingest/cli/sources.ts DevKeyRevokedError).
      if (code === 0 && kind === "public") devKey = writeKey;
      else if (code === 0) devServerKey = serverKey;
      else if (code !== 3) {
        console.error(`warning: provisioning the dev ${kind} write key failed (exit ${code})`);
      }
    }
  } else {
    console.error("warning: ingest/cli/sources.ts not found; the dev write key is not provisioned");
  }

  const clickhouse = await ensureClickHouseCredentials(config.dir, config.clickhouse);
  // The stack's Alertmanager posts to the alerts service with this token.
  const alertmanagerToken = await ensureReceiverToken(config.alertmanager.tokenFile);
  // enrich, sink and alerts seal dead-letter payloads with it; tools/dlq.ts reads the same file.
  const deadLetterKeys = await ensureDeadLetterKey(
    config.dir,
    Deno.env.get("DEAD_LETTER_KEYS"),
  );

  let queryTokenReady = false;
  if (await exists(`${cwd}/query/cli/tokens.ts`)) {
    const code = await runInherited(deno, ["run", "-A", "query/cli/tokens.ts", "ensure-dev"], {
      timeoutMs: 60_000,
      cwd,
      env,
    });
    if (code === 0) queryTokenReady = true;
    else console.error(`warning: provisioning the dev query token failed (exit ${code})`);
  }

  // The console has no open door: on first run create its admin and show the password once,
  // after the banner so it does not scroll away.
  let adminNotice = "";
  if (await exists(`${cwd}/admin/cli/users.ts`)) {
    adminNotice = await run(deno, ["run", "-A", "admin/cli/users.ts", "ensure-admin"], { cwd, env })
      .then((out) => out.trim())
      .catch((error) => {
        console.error(
          `warning: creating the first console admin failed: ${(error as Error).message}`,
        );
        return "";
      });
  }

  const present: ServiceSpec[] = [];
  for (const spec of config.services) {
    if (await exists(`${cwd}/${spec.name}/main.ts`)) present.push(spec);
    else console.error(`warning: ${spec.name}/main.ts not found; ${spec.name} is not started`);
  }
  const width = Math.max(...present.map((s) => s.name.length), 0);
  const queryPort = present.find((s) => s.name === "query")?.port;
  if (interrupted) return await shutdown().then(() => 130);
  const registry = createRegistry("supervisor");
  const units = present.map((spec) =>
    serviceUnit(spec, {
      deno,
      cwd,
      width,
      env: {
        ...env,
        ...clickhouseEnv(clickhouse, spec.clickhouse),
        DEAD_LETTER_KEYS: deadLetterKeys,
        ...(spec.name === "alerts" ? { ALERTMANAGER_TOKEN: alertmanagerToken } : {}),
        ...(spec.name === "admin"
          ? consoleQueryEnv(env, { queryPort, queryTokenReady, queryToken })
          : {}),
      },
    })
  );
  const running = supervise(units, {
    registry,
    graceMs: STOP_TIMEOUT_MS,
    onChange: statusFile.write,
    log: (line) => console.error(`[supervisor] ${line}`),
  });
  supervisor = running;
  supervisorServer = serveSupervisor(
    config.supervisor.port,
    supervisorApp({ registry, status: running.status }).fetch,
  );

  const readiness = await Promise.allSettled(
    present.map((spec) => waitServiceReady(spec, running, READY_TIMEOUT_MS)),
  );
  const ready: ServiceSpec[] = [];
  readiness.forEach((result, i) => {
    const spec = present[i];
    if (spec === undefined) return;
    if (result.status === "fulfilled") ready.push(spec);
    else console.error(`error: ${(result.reason as Error).message}`);
  });
  if (interrupted) return await shutdown().then(() => 130);
  console.log(
    banner(config, {
      ready,
      writeKey: devKey,
      serverKey: devServerKey,
      queryToken: queryTokenReady ? queryToken : undefined,
    }),
  );
  console.log(
    `\n${formatServiceTable(running.status().services)}\n\n` +
      `  Supervisor: a service that exits is restarted with backoff; restarts at ` +
      `http://127.0.0.1:${config.supervisor.port}/metrics,\n  current pids at /status and in ` +
      `${config.supervisor.statusFile}\n`,
  );
  if (adminNotice !== "") console.log(`\n${adminNotice}\n`);

  // Run until a signal: the supervisor restarts services that exit.
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (stopping !== null) {
        clearInterval(poll);
        resolve();
      }
    }, 200);
  });
  await shutdown();
  return 0;
}

/** Serves the supervisor's endpoint on loopback; a taken port is a warning, not a failure. */
function serveSupervisor(
  port: number,
  handler: (request: Request) => Response | Promise<Response>,
): Deno.HttpServer | null {
  try {
    return Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, handler);
  } catch (error) {
    console.error(
      `warning: the supervisor's endpoint cannot listen on 127.0.0.1:${port} ` +
        `(${(error as Error).message}); set SUPERVISOR_PORT. Its status file still works.`,
    );
    return null;
  }
}

if (import.meta.main) Deno.exit(await main());
