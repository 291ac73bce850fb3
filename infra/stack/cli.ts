/**
 * `deno task stack up|down|status`: the local infrastructure without Docker.
 *
 * `up` starts what is missing in the background (reusing anything already listening), ensures
 * the Kafka topics, applies migrations and returns; `down` stops only what `up` started (the pid
 * files under the stack directory); `status` prints a table and fails if anything is down, then
 * the services `deno task start` supervises, while it runs.
 */
import { parseCli, runCli, UsageError } from "../../shared/cli.ts";
import { COMPONENT_NAMES, type ComponentName } from "./component.ts";
import { loadStackConfig, type StackConfig } from "./config.ts";
import { migrateStack, reportUpFailures, stackDown, stackStatus, stackUp } from "./stack.ts";
import { formatStatusTable } from "./table.ts";
import { formatServiceTable, readSupervisorStatus } from "./supervisor_status.ts";
import { isAlive } from "../../shared/process/mod.ts";

const USAGE = `Usage: deno task stack <up|down|status> [component...]
  up      start missing components in the background, ensure topics, apply migrations
  down    stop the components this stack started
  status  show every component; exit 1 if any is down
Components: ${COMPONENT_NAMES.join(", ")} (default: all)
State lives in $EVENTFLOW_STACK_DIR (default <repo>/.stack).`;

/** Runs `up` and the migrations, printing progress; returns the exit code. */
export async function upCommand(
  config: StackConfig,
  names: readonly ComponentName[] = COMPONENT_NAMES,
): Promise<number> {
  console.log(`Stack directory: ${config.dir}`);
  const result = await stackUp(config, { names, onProgress: (line) => console.log(line) });
  if (reportUpFailures(result)) return 1;
  const migrates = names.includes("postgres") && names.includes("clickhouse");
  if (migrates && !(await migrateStack(config))) return 1;
  return 0;
}

/** A parsed `stack` command line. */
export interface StackArgs {
  command: "up" | "down" | "status";
  names: ComponentName[];
}

/** Parses `<up|down|status> [component...]` (`--detach` is accepted and ignored). */
export function parseStackArgs(args: string[]): StackArgs {
  const { positionals } = parseCli({
    args,
    allowPositionals: true,
    options: { detach: { type: "boolean" } },
  });
  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError("Missing command");
  if (command !== "up" && command !== "down" && command !== "status") {
    throw new UsageError(`Unknown command "${command}"`);
  }
  return { command, names: parseComponentNames(rest) };
}

/** Parses component names from CLI arguments, rejecting unknown ones. */
export function parseComponentNames(args: string[]): ComponentName[] {
  if (args.length === 0) return [...COMPONENT_NAMES];
  for (const arg of args) {
    if (!(COMPONENT_NAMES as readonly string[]).includes(arg)) {
      throw new UsageError(
        `Unknown component "${arg}"; expected one of ${COMPONENT_NAMES.join(", ")}`,
      );
    }
  }
  return args as ComponentName[];
}

async function main(args: string[]): Promise<number> {
  if (args[0] === "help") {
    console.log(USAGE);
    return 0;
  }
  const { command, names } = parseStackArgs(args);
  let config: StackConfig;
  try {
    config = loadStackConfig(Deno.env.toObject());
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  switch (command) {
    case "up":
      return await upCommand(config, names);
    case "down": {
      const stopped = await stackDown(config, {
        names,
        onProgress: (line) => console.log(line),
      }).catch((error) => {
        console.error(`error: ${(error as Error).message}`);
        return null;
      });
      if (stopped === null) return 1;
      if (stopped.length === 0) console.log("Nothing to stop: the stack started no component.");
      return 0;
    }
    case "status": {
      const rows = (await stackStatus(config)).filter((r) => names.includes(r.name));
      console.log(formatStatusTable(rows));
      const services = await readSupervisorStatus(config.supervisor.statusFile);
      if (services !== null && isAlive(services.pid)) {
        console.log(`\nServices supervised by \`deno task start\` (pid ${services.pid}):`);
        console.log(formatServiceTable(services.services));
      }
      return rows.every((r) => r.state === "up") ? 0 : 1;
    }
  }
}

if (import.meta.main) Deno.exit(await runCli(USAGE, Deno.args, main));
