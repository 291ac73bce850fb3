/**
 * Dead-letter tool: inspect and replay what any stage (enrich, sink, alerts) could not process.
 *
 *   deno run -A tools/dlq.ts list [--limit N] [--reason R] [--stage S] [--since T] [--topic T]
 *   deno run -A tools/dlq.ts show <partition>:<offset> [--payload] [--topic T]
 *   deno run -A tools/dlq.ts replay (--reason R | --stage S | --since T | --id P:O … | --all)
 *                                   [--dry-run] [--topic T]
 *
 * Env: KAFKA_BROKERS (default 127.0.0.1:9092), TOPIC_DEAD_LETTER (default dead_letter),
 * DEAD_LETTER_KEYS (opens sealed payloads; default: the local stack's `.stack/dead-letter.key`).
 * The logic lives in shared/dead_letter/, shared with the admin console's dead-letter page.
 */
import { intOption, parseCli, runCli, UsageError } from "../shared/cli.ts";
import {
  type DeadLetterFilter,
  filterRecords,
  findRecord,
  formatLine,
  isNarrowing,
  parsePosition,
  type Position,
  readDeadLetters,
  replaySelected,
} from "../shared/dead_letter/mod.ts";
import {
  type DeadLetterKeyring,
  openDeadLetterPayload,
  parseDeadLetterKeys,
} from "../shared/events/mod.ts";
import type { KafkaConfig } from "../shared/kafka/mod.ts";
import { readDeadLetterKey } from "../infra/stack/dead_letter_key.ts";
import { REPO_ROOT } from "../infra/stack/config.ts";

/** The usage text printed with every usage error. */
export const USAGE = `Usage: deno run -A tools/dlq.ts <command> [--topic T]
  list [--limit N] [--reason R] [--stage S] [--since T]
                        the last N (default 50) matching records
  show <partition>:<offset> [--payload]
                        one record as JSON; --payload prints its original payload (opened)
  replay FILTER [--dry-run]
                        re-produce the matching payloads to their source topics; --dry-run lists
                        them and sends nothing
  FILTER is any of --reason R, --stage S, --since T, --id <partition>:<offset> (repeatable), or
  --all to replay every record; replay without one refuses.
  T is an ISO-8601 time (2026-04-10T12:00:00Z) or an age: 30m, 6h, 2d.`;

/** A parsed command line. */
export type DlqCommand =
  | { command: "list"; limit: number; filter: DeadLetterFilter; topic?: string }
  | { command: "show"; position: Position; payload: boolean; topic?: string }
  | {
    command: "replay";
    filter: DeadLetterFilter;
    all: boolean;
    dryRun: boolean;
    topic?: string;
  };

/** `--since`: an ISO-8601 instant with a zone, or an age (`30m`, `6h`, `2d`) before `now`. */
export function parseSince(text: string, now: Date): Date {
  const age = /^(\d+)([mhd])$/.exec(text);
  if (age) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as "m" | "h" | "d"];
    return new Date(now.getTime() - Number(age[1]) * unit);
  }
  const at = /^\d{4}-\d\d-\d\dT.*(Z|[+-]\d\d:?\d\d)$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(at)) {
    throw new UsageError(
      `--since must be an ISO-8601 time with a zone or an age like 6h, got "${text}"`,
    );
  }
  return new Date(at);
}

/** Parses the command line; a mistake throws a UsageError. */
export function parseDlqArgs(args: string[], now: Date = new Date()): DlqCommand {
  const { positionals, values } = parseCli({
    args,
    allowPositionals: true,
    options: {
      limit: { type: "string" },
      reason: { type: "string" },
      stage: { type: "string" },
      since: { type: "string" },
      id: { type: "string", multiple: true },
      all: { type: "boolean" },
      "dry-run": { type: "boolean" },
      payload: { type: "boolean" },
      topic: { type: "string" },
    },
  });
  const [command, target, ...extra] = positionals;
  const filter: DeadLetterFilter = { reason: values.reason, stage: values.stage };
  if (values.since !== undefined) filter.since = parseSince(values.since, now);
  const topic = values.topic;
  const noneOf = (names: (keyof typeof values)[]) => {
    const given = names.find((name) => values[name] !== undefined);
    if (given) throw new UsageError(`${command} does not take --${given}`);
  };
  const noTarget = () => {
    if (target !== undefined) throw new UsageError(`Unexpected argument "${target}"`);
  };
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}"`);
  switch (command) {
    case "list":
      noTarget();
      noneOf(["id", "all", "dry-run", "payload"]);
      return {
        command,
        limit: intOption(values.limit, "limit", { fallback: 50 }),
        filter,
        topic,
      };
    case "show": {
      noneOf(["limit", "reason", "stage", "since", "id", "all", "dry-run"]);
      const position = parsePosition(target ?? "");
      if (position === null) {
        throw new UsageError(`show needs <partition>:<offset>, got "${target ?? ""}"`);
      }
      return { command, position, payload: values.payload ?? false, topic };
    }
    case "replay": {
      noTarget();
      noneOf(["limit", "payload"]);
      const positions = (values.id ?? []).map((text) => {
        const position = parsePosition(text);
        if (position === null) {
          throw new UsageError(`--id needs <partition>:<offset>, got "${text}"`);
        }
        return position;
      });
      if (positions.length > 0) filter.positions = positions;
      const all = values.all ?? false;
      if (all && isNarrowing(filter)) {
        throw new UsageError("--all replays every record; drop it or the filters");
      }
      if (!all && !isNarrowing(filter)) {
        throw new UsageError(
          "replay needs a filter (--reason, --stage, --since or --id) or --all for every record",
        );
      }
      return { command, filter, all, dryRun: values["dry-run"] ?? false, topic };
    }
    case undefined:
      throw new UsageError("Missing command");
    default:
      throw new UsageError(`Unknown command "${command}"`);
  }
}

/** DEAD_LETTER_KEYS, else the local stack's key file, else none (sealed payloads stay shut). */
async function keyringFrom(env: Record<string, string>): Promise<DeadLetterKeyring | null> {
  const keys = env.DEAD_LETTER_KEYS ??
    await readDeadLetterKey(env.EVENTFLOW_STACK_DIR ?? `${REPO_ROOT}/.stack`);
  return keys === null || keys.trim() === "" ? null : await parseDeadLetterKeys(keys);
}

async function main(parsed: DlqCommand, env: Record<string, string>): Promise<number> {
  const kafka: KafkaConfig = {
    brokers: (env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",").map((b) => b.trim()),
    clientId: "dlq-cli",
  };
  const topic = parsed.topic ?? env.TOPIC_DEAD_LETTER ?? "dead_letter";
  switch (parsed.command) {
    case "list": {
      const all = await readDeadLetters(kafka, topic);
      const matching = filterRecords(all, parsed.filter).slice(-parsed.limit);
      for (const line of matching.map(formatLine)) console.log(line);
      console.error(`${matching.length} shown of ${all.length} records in ${topic}`);
      return 0;
    }
    case "show": {
      const found = findRecord(await readDeadLetters(kafka, topic), parsed.position);
      if (!found) {
        const { partition, offset } = parsed.position;
        console.error(`No record at ${partition}:${offset} in ${topic}`);
        return 1;
      }
      if (parsed.payload && found.record !== null) {
        const bytes = await openDeadLetterPayload(found.record, await keyringFrom(env));
        await Deno.stdout.write(bytes);
        return 0;
      }
      console.log(JSON.stringify(found.record ?? found, null, 2));
      return 0;
    }
    case "replay": {
      const report = await replaySelected(
        kafka,
        await readDeadLetters(kafka, topic),
        { filter: parsed.filter, all: parsed.all },
        { keyring: await keyringFrom(env), dryRun: parsed.dryRun },
      );
      for (const m of report.messages) {
        const verb = report.dryRun ? "would replay" : "replayed";
        console.log(`${m.from.partition}:${m.from.offset}\t${verb}\t${m.topic}\tkey=${m.key}`);
      }
      for (const f of report.failed) {
        console.log(`${f.from.partition}:${f.from.offset}\tnot replayed\t${f.error}`);
      }
      console.error(
        report.dryRun
          ? `Dry run: ${report.messages.length} records would be replayed, nothing was sent`
          : `Replayed ${report.sent} records to their source topics`,
      );
      return report.failed.length > 0 ? 1 : 0;
    }
  }
}

if (import.meta.main) {
  Deno.exit(
    await runCli(USAGE, Deno.args, (args) => main(parseDlqArgs(args), Deno.env.toObject())),
  );
}
