/**
 * Test helpers that read compose.yaml and the env schemas it must agree with. Paths are resolved
 * from the repository root, so the tests run from any working directory.
 * @module
 */
import { parse } from "yaml";

/** The repository root (two levels above this file). */
export const ROOT = new URL("../../", import.meta.url).pathname;

/** The parts of a compose service these tests look at. */
export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
}

/** The compose file with YAML merge keys (`<<: *anchor`) resolved. */
export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

/** Parses a YAML file of the repository, resolving merge keys as Docker Compose does. */
export function readYaml<T>(path: string): T {
  return parse(Deno.readTextFileSync(ROOT + path), { merge: true }) as T;
}

/** Reads compose.yaml. */
export function readCompose(): ComposeFile {
  return readYaml<ComposeFile>("compose.yaml");
}

/** True when `path` (relative to the repository root) exists. */
export function exists(path: string): boolean {
  try {
    Deno.statSync(ROOT + path);
    return true;
  } catch {
    return false;
  }
}

/** Host side of every published port, e.g. `"127.0.0.1:8080:8080"` → 8080. */
export function hostPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((spec) => {
    const parts = spec.split(":");
    return Number(parts.length === 3 ? parts[1] : parts[0]);
  });
}

/** Container side of every published port. */
export function containerPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((spec) => Number(spec.split(":").at(-1)));
}

/** The `.ts` files a command line runs (entry points and scripts). */
export function scripts(argv: string[] | string | undefined): string[] {
  const words = typeof argv === "string" ? argv.split(/\s+/) : argv ?? [];
  return words.filter((word) => /^[\w./-]+\.ts$/.test(word));
}

const KEY = /^\s*([A-Z][A-Z0-9_]+)\s*:/gm;
const SHARED_REF = /\b(infraEnv|topicEnv)\.([A-Z][A-Z0-9_]+)\b/g;

/** Env keys declared in a TypeScript source as object keys (`NAME: z....`). */
export function declaredKeys(source: string): Set<string> {
  return new Set([...source.matchAll(KEY)].map((m) => m[1]!));
}

/**
 * The env names a schema file reads: its own keys, plus shared/config.ts's `infraEnv`/`topicEnv`
 * groups when spread in (`...infraEnv`), the `opsEnv(…)`/`consumerEnv(…)` groups when spread in
 * (`...opsEnv(8080)`), or single names picked from them (`infraEnv.REDIS_URL`).
 */
export function envNamesRead(source: string): Set<string> {
  const shared = Deno.readTextFileSync(ROOT + "shared/config.ts");
  const groups = {
    infraEnv: declaredKeys(groupSource(shared, "infraEnv")),
    topicEnv: declaredKeys(groupSource(shared, "topicEnv")),
    deadLetterEnv: declaredKeys(groupSource(shared, "deadLetterEnv")),
    opsEnv: declaredKeys(functionGroupSource(shared, "opsEnv")),
    consumerEnv: declaredKeys(functionGroupSource(shared, "consumerEnv")),
  };
  const names = declaredKeys(source);
  for (const group of ["infraEnv", "topicEnv", "deadLetterEnv"] as const) {
    if (source.includes(`...${group}`)) groups[group].forEach((name) => names.add(name));
  }
  for (const group of ["opsEnv", "consumerEnv"] as const) {
    if (source.includes(`...${group}(`)) groups[group].forEach((name) => names.add(name));
  }
  for (const m of source.matchAll(SHARED_REF)) names.add(m[2]!);
  return names;
}

/** The text of `export function <name>(…) { … }` in `source` (a group built per service). */
export function functionGroupSource(source: string, name: string): string {
  const start = source.indexOf(`export function ${name}(`);
  if (start < 0) throw new Error(`shared/config.ts no longer exports ${name}`);
  return source.slice(start, source.indexOf("\n}", start));
}

/** The text of `export const <name> = { ... };` in `source`. */
export function groupSource(source: string, name: string): string {
  const start = source.indexOf(`export const ${name} = {`);
  if (start < 0) throw new Error(`shared/config.ts no longer exports ${name}`);
  return source.slice(start, source.indexOf("\n};", start));
}

/** The default value of each `NAME: z.string().default("value")` in a shared/config.ts group. */
export function sharedDefaults(name: string): Record<string, string> {
  const group = groupSource(Deno.readTextFileSync(ROOT + "shared/config.ts"), name);
  return Object.fromEntries(
    [...group.matchAll(/([A-Z][A-Z0-9_]+):[^\n]*\.default\("([^"]*)"\)/g)].map((m) => [m[1], m[2]]),
  );
}
