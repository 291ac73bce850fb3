/**
 * The architecture's import boundaries, checked by `deno task ok` and `deno task test`:
 *
 * - a service (ingest, enrich, sink, alerts, admin, query) imports only its own folder and
 *   `shared/`;
 * - `shared/` imports only `shared/`;
 * - tooling (infra/, bench/, e2e/, grafana/, faults/) may import anything in the repository: it
 *   starts, measures and tests the services.
 *
 * Packages (`zod`, `node:fs`, `npm:…`) are always allowed.
 *
 *   deno run --allow-read infra/boundaries.ts [root]
 *
 * @module
 */

/** Top-level folders that hold a service. */
export const SERVICES = ["ingest", "enrich", "sink", "alerts", "admin", "query"] as const;

/** Top-level folders of tooling, which may import any folder. */
export const TOOLING = ["infra", "bench", "e2e", "grafana", "faults"] as const;

/** Folders never scanned: dependencies, local state, caches. */
const SKIPPED = new Set(["node_modules", ".stack", ".cache", ".git"]);

/** One import that crosses a boundary. */
export interface Violation {
  /** Repository-relative path of the importing file. */
  file: string;
  /** The specifier as written. */
  specifier: string;
  /** Repository-relative path it resolves to. */
  target: string;
  /** Which rule it breaks, for people. */
  rule: string;
}

// Static `import … from "x"`, `export … from "x"`, side-effect `import "x"`, dynamic
// `import("x")` with a literal. Comments are scanned too: a JSDoc example is checked code.
const IMPORT_PATTERN =
  /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"'\n]+)["']|\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/g;

/** Every module specifier `source` imports or re-exports, in order of appearance. */
export function importsOf(source: string): string[] {
  return [...source.matchAll(IMPORT_PATTERN)].map((match) => match[1] ?? match[2]!);
}

/** `a/b/../c/./d.ts` → `a/c/d.ts`; null when the path climbs above the repository root. */
function normalizePath(path: string): string | null {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/");
}

function topFolder(path: string): string {
  const slash = path.indexOf("/");
  return slash === -1 ? "" : path.slice(0, slash);
}

/**
 * The rule `specifier`, imported by repository-relative `file`, breaks, or null when allowed.
 * Only relative specifiers can reach another folder of the repository; files of tooling and at
 * the root are not checked.
 */
export function checkImport(file: string, specifier: string): Violation | null {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return null;
  const from = topFolder(file);
  const isService = (SERVICES as readonly string[]).includes(from);
  if (!isService && from !== "shared") return null;
  const dir = file.slice(0, file.lastIndexOf("/"));
  const target = normalizePath(`${dir}/${specifier}`);
  const violation = (rule: string) => ({ file, specifier, target: target ?? specifier, rule });
  if (target === null) return violation("it climbs above the repository root");
  const to = topFolder(target);
  if (from === to || to === "shared") return null;
  return isService
    ? violation(`a service (${from}/) imports only its own folder and shared/`)
    : violation("shared/ imports no service and no tooling");
}

async function* sourceFiles(root: string, dir = ""): AsyncGenerator<string> {
  const entries: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(dir === "" ? root : `${root}/${dir}`)) {
    entries.push(entry);
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (SKIPPED.has(entry.name)) continue;
    const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* sourceFiles(root, path);
    else if (entry.isFile && /\.tsx?$/.test(entry.name)) yield path;
  }
}

/** Every boundary-crossing import of the .ts/.tsx files under `root`. */
export async function findViolations(root: string): Promise<Violation[]> {
  const violations: Violation[] = [];
  for await (const file of sourceFiles(root)) {
    const source = await Deno.readTextFile(`${root}/${file}`);
    for (const specifier of importsOf(source)) {
      const violation = checkImport(file, specifier);
      if (violation !== null) violations.push(violation);
    }
  }
  return violations;
}

/** One line per violation: file, import, where it lands and the rule. */
export function describe(violation: Violation): string {
  return `${violation.file} imports "${violation.specifier}" (${violation.target}): ${violation.rule}`;
}

if (import.meta.main) {
  const root = Deno.args[0] ?? new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const violations = await findViolations(root);
  for (const violation of violations) console.error(`error: ${describe(violation)}`);
  if (violations.length > 0) {
    console.error(
      `${violations.length} import(s) cross the boundaries drawn in docs/architecture.md`,
    );
    Deno.exit(1);
  }
  console.log("boundaries: no service imports another, shared/ imports no service");
}
