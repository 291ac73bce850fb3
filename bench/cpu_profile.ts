/**
 * Reading a V8 `.cpuprofile` (`deno run --cpu-prof`): the share of sampled time spent in each
 * function (self) and under it (inclusive), and in named groups of code (`byGroup`).
 * @module
 */

/** One node of the profile's call tree. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** The parts of a `.cpuprofile` read here. */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Reads the one `.cpuprofile` that `--cpu-prof-dir=<dir>` left in `dir`. */
export async function readCpuProfile(dir: string): Promise<CpuProfile> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.endsWith(".cpuprofile")) {
      return JSON.parse(await Deno.readTextFile(`${dir}/${entry.name}`));
    }
  }
  throw new Error(`No .cpuprofile in ${dir}: did the process exit normally?`);
}

function label(node: ProfileNode): string {
  const url = node.callFrame.url.replace(/.*node_modules\/(\.deno\/)?/, "")
    .replace(/^file:\/\/.*?\/(ingest|enrich|sink|alerts|shared|bench)\//, "$1/");
  return `${node.callFrame.functionName || "(anonymous)"} ${url}:${node.callFrame.lineNumber + 1}`;
}

/** Self and inclusive time per function, as shares of the total sampled time. */
export function shares(
  profile: CpuProfile,
): { self: Map<string, number>; inclusive: Map<string, number>; stacks: string[][] } {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const stacks: string[][] = [];
  let total = 0;
  for (const dt of profile.timeDeltas) total += dt;
  profile.samples.forEach((id, i) => {
    const share = (profile.timeDeltas[i] ?? 0) / total;
    const stack: string[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      stack.push(label(byId.get(cur)!));
    }
    stacks.push(stack);
    self.set(stack[0]!, (self.get(stack[0]!) ?? 0) + share);
    for (const l of new Set(stack)) inclusive.set(l, (inclusive.get(l) ?? 0) + share);
  });
  return { self, inclusive, stacks };
}

/**
 * Shares of sampled time by group: each sample goes to the first group (in the given order) one
 * of whose patterns matches a frame of its stack, innermost frame first; else to "other".
 */
export function byGroup(profile: CpuProfile, groups: Array<[string, RegExp]>): Map<string, number> {
  let total = 0;
  for (const dt of profile.timeDeltas) total += dt;
  const { stacks } = shares(profile);
  const out = new Map<string, number>();
  stacks.forEach((stack, i) => {
    const share = (profile.timeDeltas[i] ?? 0) / total;
    let name = "other";
    outer: for (const frame of stack) {
      for (const [group, pattern] of groups) {
        if (pattern.test(frame)) {
          name = group;
          break outer;
        }
      }
    }
    out.set(name, (out.get(name) ?? 0) + share);
  });
  return out;
}

/** The `n` largest entries as lines `  12.3 %  label`. */
export function top(m: Map<string, number>, n: number): string {
  return [...m].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([l, t]) => `${(100 * t).toFixed(1).padStart(6)} %  ${l}`).join("\n");
}
