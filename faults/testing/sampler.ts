/** Samples of process memory and consumer lag while a scenario runs. */
import { sleep } from "../../shared/time.ts";

/** Resident memory of process `pid` in MiB (from /proc), or null once it has exited. */
export async function rssMiB(pid: number): Promise<number | null> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return Number.isFinite(kb) ? kb / 1024 : null;
  } catch {
    return null;
  }
}

/** Sum of `eventflow_consumer_lag` on a service's `/metrics`, or null when it does not answer. */
export async function consumerLag(metricsUrl: string): Promise<number | null> {
  try {
    const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) })).text();
    let sum = 0;
    for (const m of text.matchAll(/^eventflow_consumer_lag\{[^}]*\} (\S+)$/gm)) sum += Number(m[1]);
    return sum;
  } catch {
    return null;
  }
}

/** Calls `sample` every `everyMs` until the returned stop() is called; stop() gives the samples. */
export function sampleEvery<T>(
  everyMs: number,
  sample: () => Promise<T>,
): { stop(): Promise<T[]> } {
  const samples: T[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push(await sample());
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}
