/** The admin console's environment, parsed once by `main.ts` (see docs/admin.md). */
import { z } from "zod";
import { infraEnv, opsEnv, parseConfig, positiveInt } from "../shared/config.ts";

const optionalText = z.string().optional().transform((value) =>
  value === undefined || value === "" ? undefined : value
);

/** Zod schema over the admin environment. */
export const AdminConfigSchema = z.object({
  DATABASE_URL: infraEnv.DATABASE_URL,
  CLICKHOUSE_URL: infraEnv.CLICKHOUSE_URL,
  CLICKHOUSE_DATABASE: infraEnv.CLICKHOUSE_DATABASE,
  LOG_LEVEL: infraEnv.LOG_LEVEL,
  ...opsEnv(8000),
  /** With ADMIN_PASSWORD, turns on HTTP basic auth for every page except the ops endpoints. */
  ADMIN_USER: optionalText,
  ADMIN_PASSWORD: optionalText,
  /** Rows per page on list pages. */
  ADMIN_PAGE_SIZE: positiveInt(25),
  /** Store queries slower than this answer 503 instead of hanging the page. */
  ADMIN_QUERY_TIMEOUT_MS: positiveInt(10_000),
}).superRefine((env, ctx) => {
  // Half-configured auth would silently leave the console open; refuse to start instead.
  if ((env.ADMIN_USER === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    const missing = env.ADMIN_USER === undefined ? "ADMIN_USER" : "ADMIN_PASSWORD";
    ctx.addIssue({
      code: "custom",
      path: [missing],
      message: "set both ADMIN_USER and ADMIN_PASSWORD to enable basic auth, or neither",
    });
  }
});

/** The resolved admin configuration. */
export type AdminConfig = z.output<typeof AdminConfigSchema>;

/** Parses the environment, listing every invalid variable at once. */
export function loadConfig(env: Record<string, string | undefined>): AdminConfig {
  return parseConfig(AdminConfigSchema, env);
}
