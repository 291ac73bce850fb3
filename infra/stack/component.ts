/** The shape every stack component (kafka, clickhouse, postgres, redis, prometheus) implements. */

/** Names of the stack components, in start order for display. */
export const COMPONENT_NAMES = ["kafka", "clickhouse", "postgres", "redis", "prometheus"] as const;

/** One stack component's name. */
export type ComponentName = typeof COMPONENT_NAMES[number];

/** What `status` shows for one component. */
export interface ComponentStatus {
  name: ComponentName;
  state: "up" | "down";
  /** `stack`: this stack started it (its pid file is ours); `external`: someone else's. */
  owner: "stack" | "external" | "-";
  pid: number | null;
  url: string;
  log: string;
}

/** The status of `name`: up when `up`; ours when the stack's pid file names a live `pid`. */
export function componentStatus(
  name: ComponentName,
  facts: { up: boolean; pid: number | null; url: string; log: string },
): ComponentStatus {
  const { up, pid, url, log } = facts;
  return {
    name,
    state: up ? "up" : "down",
    owner: pid !== null ? "stack" : up ? "external" : "-",
    pid,
    url,
    log,
  };
}

/** A piece of infrastructure the stack can bring up, stop and inspect. */
export interface Component {
  name: ComponentName;
  /** Log file of the process the stack starts (shown on failure). */
  log: string;
  /** Makes the component reachable, reusing a running one; true when this call started it. */
  up(): Promise<boolean>;
  /** Stops the component only if the stack started it; true when something was stopped. */
  down(): Promise<boolean>;
  /** Current state, without side effects. */
  status(): Promise<ComponentStatus>;
}
