/**
 * Stack component: PostgreSQL. A server already answering at DATABASE_URL is used as is (the
 * database is created when absent); otherwise the stack runs its own cluster from the Debian
 * binaries in `<stack>/postgres/data`, owned by the `postgres` OS user when we are root.
 */
import { createPostgres, ensureDatabase } from "../../shared/postgres/mod.ts";
import { type Component, componentStatus } from "../stack/component.ts";
import type { StackConfig } from "../stack/config.ts";
import { readLivePid, run, stopPid, waitFor } from "../../shared/process/mod.ts";

/** PostgreSQL as a stack component. */
export function postgresComponent(config: StackConfig): Component {
  const root = `${config.dir}/postgres`;
  const dataDir = `${root}/data`;
  const log = `${root}/postgres.log`;
  const url = new URL(config.postgres.url);
  const port = Number(url.port || 5432);
  const host = url.hostname || "127.0.0.1";
  const user = decodeURIComponent(url.username) || "postgres";
  const shown = `postgres://${host}:${port}${url.pathname}`;
  return {
    name: "postgres",
    log,
    async up() {
      if (await reachable(config.postgres.url)) {
        await ensureDatabase(config.postgres.url);
        return false;
      }
      const bin = await postgresBinDir();
      await initCluster({ bin, root, dataDir, user });
      await Deno.writeTextFile(
        `${dataDir}/eventflow_stack.conf`,
        `port = ${port}\nlisten_addresses = '${host}'\nunix_socket_directories = ''\n`,
      );
      await asPostgres(`${bin}/pg_ctl`, ["-D", dataDir, "-l", log, "-w", "-t", "60", "start"]);
      await waitFor(() => reachable(config.postgres.url), {
        timeoutMs: 30_000,
        what: `PostgreSQL at ${shown}`,
      });
      await ensureDatabase(config.postgres.url);
      return true;
    },
    async down() {
      const pid = await readLivePid(`${dataDir}/postmaster.pid`);
      if (pid === null) return false;
      const bin = await postgresBinDir();
      try {
        await asPostgres(`${bin}/pg_ctl`, ["-D", dataDir, "-m", "fast", "-w", "-t", "30", "stop"]);
      } catch {
        await stopPid(pid, { timeoutMs: 5_000 });
      }
      return true;
    },
    async status() {
      const pid = await readLivePid(`${dataDir}/postmaster.pid`);
      const up = await reachable(config.postgres.url);
      return componentStatus("postgres", { up, pid, url: shown, log });
    },
  };
}

/** Whether a server accepts a login at `url` (on the `postgres` maintenance database). */
async function reachable(url: string): Promise<boolean> {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = createPostgres(admin.toString(), { max: 1 });
  try {
    await sql`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** The newest `/usr/lib/postgresql/<major>/bin` that holds `initdb`. */
async function postgresBinDir(): Promise<string> {
  const majors: number[] = [];
  try {
    for await (const entry of Deno.readDir("/usr/lib/postgresql")) {
      if (/^\d+$/.test(entry.name)) majors.push(Number(entry.name));
    }
  } catch { /* not installed: reported below */ }
  for (const major of majors.sort((a, b) => b - a)) {
    const bin = `/usr/lib/postgresql/${major}/bin`;
    if (await Deno.stat(`${bin}/initdb`).then(() => true, () => false)) return bin;
  }
  throw new Error(
    "PostgreSQL is not reachable and no server binaries are installed under " +
      "/usr/lib/postgresql: run `apt-get install postgresql` or set DATABASE_URL",
  );
}

async function initCluster(
  opts: { bin: string; root: string; dataDir: string; user: string },
): Promise<void> {
  await Deno.mkdir(opts.root, { recursive: true });
  if (await Deno.stat(`${opts.dataDir}/PG_VERSION`).then(() => true, () => false)) return;
  if (Deno.uid() === 0) await run("chown", ["-R", "postgres:postgres", opts.root]);
  await asPostgres(`${opts.bin}/initdb`, [
    "-D",
    opts.dataDir,
    "-U",
    opts.user,
    "--auth=trust",
    "-E",
    "UTF8",
    "--locale=C.UTF-8",
  ]);
  await Deno.writeTextFile(
    `${opts.dataDir}/postgresql.conf`,
    "\n# Port and addresses come from DATABASE_URL, rewritten by `stack up`.\n" +
      "include_if_exists = 'eventflow_stack.conf'\n",
    { append: true },
  );
  if (Deno.uid() === 0) await run("chown", ["-R", "postgres:postgres", opts.root]);
}

/** Runs a PostgreSQL binary as the `postgres` OS user when we are root (it refuses root). */
function asPostgres(cmd: string, args: string[]): Promise<string> {
  return Deno.uid() === 0 ? run("runuser", ["-u", "postgres", "--", cmd, ...args]) : run(cmd, args);
}
