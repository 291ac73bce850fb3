/**
 * The one way this repository starts, waits for and stops other processes: children that live as
 * long as their starter (`child.ts`), detached ones with pid files (`pid.ts`), commands run to
 * completion (`run.ts`) and the probes that tell when something is ready (`probe.ts`).
 *
 * @example
 * ```ts ignore
 * await using child = spawnChild(Deno.execPath(), { args: ["run", "-A", "ingest/main.ts"] });
 * await waitChildReady(child, () => httpOk("http://127.0.0.1:8080/readyz"), {
 *   timeoutMs: 30_000,
 *   what: "ingest /readyz",
 * });
 * ```
 * @module
 */
export * from "./child.ts";
export * from "./pid.ts";
export * from "./probe.ts";
export * from "./run.ts";
