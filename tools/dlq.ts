/**
 * Dead-letter tool: inspect and replay what any stage (enrich, sink, alerts) could not process.
 *
 *   deno run -A tools/dlq.ts list [--limit N] [--reason R] [--stage S] [--topic T]
 *   deno run -A tools/dlq.ts show <partition>:<offset> [--topic T]
 *   deno run -A tools/dlq.ts replay [--reason R] [--stage S] [--topic T]
 *
 * Env: KAFKA_BROKERS (default 127.0.0.1:9092), TOPIC_DEAD_LETTER (default dead_letter). The logic
 * lives in shared/dead_letter/ so other tools can use it too.
 */
import { intOption, parseCli, runCli, UsageError } from "../shared/cli.ts";
import {
  filterRecords,
  findRecord,
  formatLine,
  parsePosition,
  type Position,
  readDeadLetters,
  replay,
} from "../shared/dead_letter/mod.ts";
import type { KafkaConfig } from "../shared/kafka/mod.ts";

/** The usage text printed with every usage error. */
export const USAGE = `Usage: deno run -A tools/dlq.ts <command> [--topic T]
  list [--limit N] [--reason R] [--stage S]   the last N (default 50) matching records
  show <partition>:<offset>                   one record as JSON
  replay [--reason R] [--stage S]             re-produce the matching payloads to their topics`;

/** A parsed command line. */
export type DlqCommand =
  | { command: "list"; limit: number; filter: Filter; topic?: string }
  | { command: "show"; position: Position; topic?: string }
  | { command: "replay"; filter: Filter; topic?: string };

interface Filter {
  reason?: string;
  stage?: string;
}

/** Parses the command line; a mistake throws a UsageError. */
export function parseDlqArgs(args: string[]): DlqCommand {
  const { positionals, values } = parseCli({
    args,
    allowPositionals: true,
    options: {
      limit: { type: "string" },
      reason: { type: "string" },
      stage: { type: "string" },
      topic: { type: "string" },
    },
  });
  const [command, target, ...extra] = positionals;
  const filter: Filter = { reason: values.reason, stage: values.stage };
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
      return {
        command,
        limit: intOption(values.limit, "limit", { fallback: 50 }),
        filter,
        topic,
      };
    case "show": {
      noneOf(["limit", "reason", "stage"]);
      const position = parsePosition(target ?? "");
      if (position === null) {
        throw new UsageError(`show needs <partition>:<offset>, got "${target ?? ""}"`);
      }
      return { command, position, topic };
    }
    case "replay":
      noTarget();
      noneOf(["limit"]);
      return { command, filter, topic };
    case undefined:
      throw new UsageError("Missing command");
    default:
      throw new UsageError(`Unknown command "${command}"`);
  }
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
      console.log(JSON.stringify(found.record ?? found, null, 2));
      return 0;
    }
    case "replay": {
      const matching = filterRecords(await readDeadLetters(kafka, topic), parsed.filter);
      const sent = await replay(kafka, matching);
      console.error(`Replayed ${sent} records to their source topics`);
      return 0;
    }
  }
}

if (import.meta.main) {
  Deno.exit(
    await runCli(USAGE, Deno.args, (args) => main(parseDlqArgs(args), Deno.env.toObject())),
  );
}
