/**
 * Arguments of the repository's command-line tools: `node:util` `parseArgs` in strict mode, with
 * every mistake a {@linkcode UsageError} that {@linkcode runCli} prints beside the usage text
 * and turns into exit code 2.
 *
 * @example
 * ```ts ignore
 * const USAGE = "Usage: deno run -A tool.ts [--limit N]";
 * if (import.meta.main) {
 *   Deno.exit(await runCli(USAGE, Deno.args, (args) => {
 *     const { values } = parseCli({ args, options: { limit: { type: "string" } } });
 *     console.log(intOption(values.limit, "limit", { fallback: 20, min: 1 }));
 *     return 0;
 *   }));
 * }
 * ```
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A command line the tool cannot run: unknown flag, missing value, bad number. */
export class UsageError extends Error {
  override name = "UsageError";
  /** Stable error code. */
  readonly code = "USAGE";
  /** Running the same command again cannot help. */
  readonly retriable = false;
}

/** `parseArgs(config)` (strict unless `config.strict` is false); a mistake throws UsageError. */
export function parseCli<const T extends ParseArgsConfig>(
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Node appends how to pass a positional that starts with "-"; the usage text says enough.
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/s, ""), {
      cause: error,
    });
  }
}

/** Options of {@linkcode intOption}. */
export interface IntOptionOptions {
  /** Value when the flag is absent. */
  fallback: number;
  /** Smallest accepted value (default 1). */
  min?: number;
}

/** The integer value of flag `--name`, or the fallback when absent; else a UsageError. */
export function intOption(
  value: string | undefined,
  name: string,
  opts: IntOptionOptions,
): number {
  if (value === undefined) return opts.fallback;
  const min = opts.min ?? 1;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer of at least ${min}, got "${value}"`);
  }
  return n;
}

/** The number value of flag `--name`, or the fallback when absent; else a UsageError. */
export function numberOption(
  value: string | undefined,
  name: string,
  opts: { fallback: number; min?: number },
): number {
  if (value === undefined) return opts.fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < (opts.min ?? 0)) {
    throw new UsageError(
      `--${name} must be a number of at least ${opts.min ?? 0}, got "${value}"`,
    );
  }
  return n;
}

/**
 * Runs a tool's `main` on `args`: `--help` or `-h` prints the usage (exit 0); a UsageError is
 * printed as `error: <message>` and the usage (exit 2). Other errors propagate: they are bugs or
 * failures, not usage.
 */
export async function runCli(
  usage: string,
  args: string[],
  main: (args: string[]) => number | Promise<number>,
): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(usage);
    return 0;
  }
  try {
    return await main(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n${usage}`);
    return 2;
  }
}

/**
 * For scripts that run at the top level: `parse()`'s value, or (on a UsageError) the message and
 * usage on stderr and exit 2; `--help` or `-h` in `Deno.args` prints the usage and exits 0.
 */
export function argsOrExit<T>(usage: string, parse: () => T): T {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(usage);
    Deno.exit(0);
  }
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n${usage}`);
    Deno.exit(2);
  }
}
