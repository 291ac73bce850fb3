/**
 * `deno task stack up|down|status`: the local infrastructure without Docker.
 *
 * `up` starts what is missing in the background (reusing anything already listening), ensures
 * the Kafka topics, applies migrations and returns; `down` stops only what `up` started (the pid
 * files under the stack directory); `status` prints a table and fails if anything is down.
 */
import { COMPONENT_NAMES, type ComponentName } from "./component.ts";
import { loadStackConfig, type StackConfig } from "./config.ts";
import { migrateStack, reportUpFailures, stackDown, stackStatus, stackUp } from "./stack.ts";
import { formatStatusTable } from "./table.ts";

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

/** Parses component names from CLI arguments, rejecting unknown ones. */
export function parseComponentNames(args: string[]): ComponentName[] {
  if (args.length === 0) return [...COMPONENT_NAMES];
  for (const arg of args) {
    if (!(COMPONENT_NAMES as readonly string[]).includes(arg)) {
      throw new Error(`Unknown component "${arg}"; expected one of ${COMPONENT_NAMES.join(", ")}`);
    }
  }
  return args as ComponentName[];
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args.filter((a) => a !== "--detach");
  if (command === undefined || command === "help" || command === "--help") {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  let config: StackConfig;
  let names: ComponentName[];
  try {
    config = loadStackConfig(Deno.env.toObject());
    names = parseComponentNames(rest);
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
      return rows.every((r) => r.state === "up") ? 0 : 1;
    }
    default:
      console.error(`error: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
