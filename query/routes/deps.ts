/** What the query routes need, built by `main.ts` (or by tests on the local stack). */
import type { ReadinessCheck } from "../../shared/http/ops.ts";
import type { Logger } from "../../shared/log.ts";
import type { Registry } from "../../shared/metrics.ts";
import type { AnswerCache } from "../adapters/cache.ts";
import type { ProfileLookup } from "../adapters/profiles.ts";
import type { SpendStore } from "../adapters/spend.ts";
import type { EngineTiming, Exec } from "../core/exec.ts";
import type { QueryMetrics } from "../metrics.ts";

/** Hono variables set by the auth middleware. */
export type QueryEnv = { Variables: { tokenId: string } };

/** Everything the app is built from. */
export interface QueryDeps {
  /** An executor bound to a request's abort signal, adding each query's engine time to `timing`. */
  executor: (signal?: AbortSignal, timing?: EngineTiming) => Exec;
  cache: AnswerCache;
  /** Token → token id of an active token, or null. */
  verifyToken: (token: string) => Promise<string | null>;
  spend: SpendStore;
  profiles: ProfileLookup;
  registry: Registry;
  metrics: QueryMetrics;
  logger: Logger;
  /** Required dependencies for /readyz (ClickHouse, PostgreSQL); Redis is reported apart. */
  checks: ReadinessCheck[];
  isDraining: () => boolean;
  baseCurrency: string;
  maxRangeDays: number;
  ttl: { closedSeconds: number; openSeconds: number };
  /** Clock, epoch ms (default Date.now). */
  now?: () => number;
}
