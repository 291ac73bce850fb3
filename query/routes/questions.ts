/**
 * `/api/v1/<question>`: validate, look in the cache, run on ClickHouse, answer JSON with
 * `X-Cache: hit|miss`.
 */
import { type Context, Hono } from "hono";
import { badParameter, fromClickHouse } from "../core/errors.ts";
import type { EngineTiming, QuestionContext } from "../core/exec.ts";
import type { CommonParams } from "../core/params.ts";
import { QUESTIONS } from "../core/questions.ts";
import { localDate, resolveRange, zonedMidnight } from "../core/time.ts";
import type { QueryDeps, QueryEnv } from "./deps.ts";
import { canonical, parseParams, queryValues } from "./parse.ts";

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Rejects empty, reversed and too long ranges; returns the cache TTL the range deserves. */
export function checkRange(
  params: CommonParams,
  opts: { now: number; maxRangeDays: number; ttl: QueryDeps["ttl"] },
): number {
  const range = resolveRange(params, opts.now);
  const field = params.from !== undefined ? "from" : params.last !== undefined ? "last" : "to";
  if (!(range.from.getTime() < range.to.getTime())) {
    throw badParameter(
      field,
      `makes an empty range: ${range.from.toISOString()} is not before ${range.to.toISOString()}`,
    );
  }
  const days = (range.to.getTime() - range.from.getTime()) / 86_400_000;
  if (days > opts.maxRangeDays) {
    throw badParameter(
      field,
      `makes a range of ${Math.ceil(days)} days; at most ${opts.maxRangeDays} are allowed`,
    );
  }
  // A range ending before today began (in its timezone) is settled: cache it long. Anything
  // reaching into today, or relative to now, changes as events arrive.
  const today = zonedMidnight(localDate(opts.now, params.tz), params.tz);
  const settled = params.last === undefined && range.to.getTime() <= today.getTime();
  return settled ? opts.ttl.closedSeconds : opts.ttl.openSeconds;
}

/** Runs `run` through the cache, mapping ClickHouse failures to API errors. */
export async function cached(
  deps: QueryDeps,
  opts: {
    question: string;
    key: string;
    ttlSeconds: number;
    signal: AbortSignal;
    run: (ctx: QuestionContext) => Promise<unknown>;
  },
): Promise<{ value: string; outcome: "hit" | "miss"; engine: EngineTiming }> {
  const now = deps.now ?? Date.now;
  const engine: EngineTiming = { queries: 0, ms: 0 };
  try {
    const answer = await deps.cache.get(
      `v1:${opts.question}:${await sha256(opts.key)}`,
      async (signal) =>
        JSON.stringify(
          await opts.run({
            exec: deps.executor(signal, engine),
            now: now(),
            baseCurrency: deps.baseCurrency,
            spend: (days) => deps.spend.totals(days),
          }),
        ),
      { ttlSeconds: opts.ttlSeconds, signal: opts.signal },
    );
    deps.metrics.cache.inc({ question: opts.question, outcome: answer.outcome });
    return { ...answer, engine };
  } catch (error) {
    const mapped = fromClickHouse(error);
    deps.metrics.clickhouseErrors.inc({
      code: opts.signal.aborted ? "cancelled" : mapped.code,
    });
    throw mapped;
  }
}

/** The range questions as a sub-app. */
export function questionRoutes(deps: QueryDeps): Hono<QueryEnv> {
  const app = new Hono<QueryEnv>();
  const now = deps.now ?? Date.now;
  for (const question of QUESTIONS) {
    app.get(question.path, async (c) => {
      const params = parseParams(question.schema, queryValues(c.req.url)) as CommonParams;
      const ttlSeconds = checkRange(params, {
        now: now(),
        maxRangeDays: deps.maxRangeDays,
        ttl: deps.ttl,
      });
      const answer = await cached(deps, {
        question: question.name,
        key: canonical(params),
        ttlSeconds,
        signal: c.req.raw.signal,
        run: (ctx) => question.run(params as never, ctx),
      });
      c.header("X-Cache", answer.outcome);
      timingHeader(c, answer.engine);
      return c.body(answer.value, 200, { "content-type": "application/json" });
    });
  }
  return app;
}

/**
 * `Server-Timing: clickhouse;dur=<ms>;desc="<n> queries"` when this request ran queries: the
 * engine's own time, so a client (bench/query/bench.ts) can tell query cost from waiting.
 */
export function timingHeader(c: Context, engine: EngineTiming): void {
  if (engine.queries === 0) return;
  c.header(
    "Server-Timing",
    `clickhouse;dur=${engine.ms.toFixed(1)};desc="${engine.queries} queries"`,
  );
}
