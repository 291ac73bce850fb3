/** `/api/v1/users/:id`: one user's profile and recent timeline (for the console's user page). */
import { Hono } from "hono";
import { z } from "zod";
import { ApiError, badParameter } from "../core/errors.ts";
import { PARAMS } from "../core/params.ts";
import { isoTime, userSummaryQuery, userTimelineQuery } from "../core/user.ts";
import type { QueryDeps, QueryEnv } from "./deps.ts";
import { cached, timingHeader } from "./questions.ts";
import { canonical, parseParams, queryValues } from "./parse.ts";

/** Path parameter of the user route. */
export const UserIdSchema = z.string().min(1).max(200).describe("User id, or an anonymous id.");

/** The one-user route as a sub-app. */
export function userRoutes(deps: QueryDeps): Hono<QueryEnv> {
  const app = new Hono<QueryEnv>();
  app.get("/users/:id", async (c) => {
    const id = c.req.param("id");
    if (!UserIdSchema.safeParse(id).success) {
      throw badParameter("id", "must be 1 to 200 characters");
    }
    const params = parseParams(PARAMS.user, queryValues(c.req.url));
    const limit = Number(params.limit ?? 50);
    const answer = await cached(deps, {
      question: "user",
      key: canonical({ id, limit }),
      ttlSeconds: deps.ttl.openSeconds,
      signal: c.req.raw.signal,
      run: async ({ exec }) => {
        const [summary] = await exec<Record<string, unknown>>(userSummaryQuery(id));
        const timeline = await exec<Record<string, unknown> & { ts: string; properties: string }>(
          userTimelineQuery(id, limit),
        );
        const stored = await deps.profiles(id);
        const events = Number(summary?.events ?? 0);
        if (events === 0 && stored === null) return null;
        return {
          user_id: id,
          profile: stored,
          activity: events === 0 ? null : {
            events,
            sessions: Number(summary!.sessions),
            first_seen: isoTime(String(summary!.first_seen)),
            last_seen: isoTime(String(summary!.last_seen)),
            first_platform: summary!.first_platform,
            platforms: summary!.platforms,
            orders: Number(summary!.orders),
            revenue: Math.round(Number(summary!.revenue) * 100) / 100,
            currency: deps.baseCurrency,
            city: summary!.city,
            country_code: summary!.country_code,
            tier: summary!.tier,
            anonymous_ids: (summary!.anonymous_ids as string[]).filter((a) => a !== ""),
          },
          timeline: timeline.map(({ ts, properties, revenue_base, ...rest }) => ({
            ...rest,
            timestamp: isoTime(ts),
            revenue_base: revenue_base === null ? null : Number(revenue_base),
            properties: safeJson(properties),
          })),
        };
      },
    });
    if (answer.value === "null") {
      throw new ApiError(404, "USER_NOT_FOUND", `No user or anonymous id "${id}" has been seen`, {
        field: "id",
      });
    }
    c.header("X-Cache", answer.outcome);
    timingHeader(c, answer.engine);
    return c.body(answer.value, 200, { "content-type": "application/json" });
  });
  return app;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
