/** A description of the machine and of the component versions a run measured. */
import type { Machine } from "./results.ts";
import { repoRoot, runCommand } from "./proc.ts";

/** Reads CPU, memory, kernel and versions; unknown values say so instead of failing the run. */
export async function describeMachine(extra: Record<string, string> = {}): Promise<Machine> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const meminfo = await Deno.readTextFile("/proc/meminfo").catch(() => "");
  const memKb = Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? 0);
  const versions: Record<string, string> = { deno: Deno.version.deno };
  const java = await runCommand("java", ["-version"]).catch(() => "");
  versions.java = /version "([^"]+)"/.exec(java)?.[1] ?? "unknown";
  const wrk = await runCommand("wrk", ["-v"]).catch((e) => String(e));
  versions.wrk = /wrk (\S*\d\S*)/.exec(wrk)?.[1] ?? "unknown";
  const chdb = await Deno.readTextFile(`${repoRoot()}/node_modules/chdb/package.json`).catch(() =>
    "{}"
  );
  versions["chdb (npm)"] = JSON.parse(chdb).version ?? "unknown";
  return {
    nproc: navigator.hardwareConcurrency,
    memoryGiB: Math.round(memKb / 1024 / 1024),
    cpuModel: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    kernel: `${Deno.build.os} ${Deno.osRelease()}`,
    loadAverage1m: Number(
      (await Deno.readTextFile("/proc/loadavg").catch(() => "0")).split(" ")[0],
    ),
    versions: { ...versions, ...extra },
  };
}
