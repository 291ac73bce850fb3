/** Command-line flags of the load generator, parsed and checked in one place. */

/** Resolved flags. */
export interface LoadArgs {
  mode: "rate" | "max" | "backfill";
  url: string;
  writeKey: string;
  seed: number;
  /** Events per second (rate mode). */
  rate: number;
  /** Seconds (rate and max modes). */
  duration: number;
  batch: number;
  concurrency: number;
  /** Events to backfill. */
  backfill: number;
  days: number;
  json: boolean;
}

const NUMERIC = ["rate", "duration", "batch", "concurrency", "backfill", "days", "seed"] as const;

/** Parses `argv`; every problem is reported at once. */
export function parseArgs(
  argv: string[],
  env: { url?: string; writeKey?: string } = {},
): { ok: true; args: LoadArgs } | { ok: false; error: string } {
  const flags = new Map<string, string | true>();
  const errors: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      errors.push(`Unexpected argument "${arg}"`);
      continue;
    }
    const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    if (name === "max" || name === "json") flags.set(name, true);
    else if (inline !== undefined) flags.set(name, inline);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith("--")) flags.set(name, argv[++i]!);
    else errors.push(`Flag --${name} needs a value`);
  }
  const known = new Set<string>([...NUMERIC, "max", "json", "url", "write-key"]);
  for (const name of flags.keys()) if (!known.has(name)) errors.push(`Unknown flag --${name}`);
  const num = (name: typeof NUMERIC[number], fallback: number): number => {
    const raw = flags.get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (
      raw === true || !Number.isFinite(n) || n <= 0 ||
      (name !== "duration" && name !== "days" && name !== "rate" && !Number.isInteger(n))
    ) {
      errors.push(
        `Flag --${name} must be a positive ${
          name === "duration" || name === "days" || name === "rate" ? "number" : "integer"
        }, got "${raw}"`,
      );
      return fallback;
    }
    return n;
  };
  const modes = [
    flags.has("rate") && "rate",
    flags.has("max") && "max",
    flags.has("backfill") && "backfill",
  ]
    .filter(Boolean) as LoadArgs["mode"][];
  if (modes.length !== 1) {
    errors.push(
      modes.length === 0
        ? "Choose a mode: --rate N (events/s), --max, or --backfill N"
        : `Choose one mode, got ${modes.map((m) => `--${m}`).join(" and ")}`,
    );
  }
  const mode = modes[0] ?? "rate";
  const args: LoadArgs = {
    mode,
    url: String(flags.get("url") ?? env.url ?? "http://127.0.0.1:8080"),
    writeKey: String(flags.get("write-key") ?? env.writeKey ?? "dev_write_key"),
    seed: num("seed", 1),
    rate: num("rate", 1000),
    duration: num("duration", 10),
    batch: num("batch", mode === "backfill" ? 500 : 1),
    concurrency: num("concurrency", mode === "backfill" ? 4 : 64),
    backfill: num("backfill", 100_000),
    days: num("days", 30),
    json: flags.get("json") === true,
  };
  return errors.length > 0 ? { ok: false, error: errors.join("\n") } : { ok: true, args };
}
