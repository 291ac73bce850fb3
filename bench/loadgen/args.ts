/** Command-line flags of the load generator, parsed and checked in one place. */
import { parseArgs as nodeParseArgs } from "node:util";

/** Resolved flags. */
export interface LoadArgs {
  mode: "rate" | "max" | "backfill";
  url: string;
  writeKey: string;
  /** Server write key: business events (purchases, refunds, signups, identify…). */
  serverKey: string;
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

const OPTIONS = {
  rate: { type: "string" },
  duration: { type: "string" },
  batch: { type: "string" },
  concurrency: { type: "string" },
  backfill: { type: "string" },
  days: { type: "string" },
  seed: { type: "string" },
  url: { type: "string" },
  "write-key": { type: "string" },
  "server-key": { type: "string" },
  max: { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** Parses `argv`; every problem is reported at once. */
export function parseArgs(
  argv: string[],
  env: { url?: string; writeKey?: string; serverKey?: string } = {},
): { ok: true; args: LoadArgs } | { ok: false; error: string } {
  // Not strict: every problem is collected and reported together instead of the first thrown.
  const { values, tokens } = nodeParseArgs({
    args: argv,
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const errors: string[] = [];
  const known = (name: string): name is keyof typeof OPTIONS => Object.hasOwn(OPTIONS, name);
  tokens.forEach((token, i) => {
    const before = tokens[i - 1];
    // `--nope 1`: the value of an unknown flag, reported with the flag, not as a stray argument.
    const unknownsValue = before?.kind === "option" && !known(before.name) &&
      before.value === undefined;
    if (token.kind === "positional" && !unknownsValue) {
      errors.push(`Unexpected argument "${token.value}"`);
    }
  });
  const flags = new Map<string, string | true>();
  for (const [name, value] of Object.entries(values)) {
    if (!known(name)) errors.push(`Unknown flag --${name}`);
    else if (OPTIONS[name].type === "boolean") flags.set(name, true);
    // A string flag with no value, or one that took the next flag as its value.
    else if (typeof value !== "string" || value.startsWith("--")) {
      errors.push(`Flag --${name} needs a value`);
    } else flags.set(name, value);
  }
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
    serverKey: String(flags.get("server-key") ?? env.serverKey ?? "dev_server_key"),
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
