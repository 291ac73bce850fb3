import assert from "node:assert/strict";

// `npm ci` refuses a lock that does not hold an entry for every dependency of every locked package,
// optional ones included, whatever the platform (EUSAGE "Missing: … from lock file"). This is the
// same check, without the network, so a lock regenerated somewhere that drops chdb's other-platform
// packages fails here instead of in bootstrap.

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  optional?: boolean;
  os?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const root = new URL("../", import.meta.url);
const lock = JSON.parse(await Deno.readTextFile(new URL("package-lock.json", root))) as {
  packages: Record<string, LockEntry>;
};
const pkg = JSON.parse(await Deno.readTextFile(new URL("package.json", root))) as {
  dependencies: Record<string, string>;
};

/** Where Node would find `name` from the package at `from` (nested node_modules, then upwards). */
function resolve(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut < 0 ? "" : dir.slice(0, cut);
  }
}

Deno.test("package-lock.json holds every dependency npm ci looks for, optional ones included", () => {
  const missing: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const deps = { ...entry.dependencies, ...entry.optionalDependencies };
    for (const name of Object.keys(deps)) {
      if (!resolve(path, name)) missing.push(`${name} (needed by ${path || "the root"})`);
    }
  }
  assert.deepEqual(missing, []);
});

Deno.test("package-lock.json pins package.json's exact versions with integrity hashes", () => {
  for (const [name, version] of Object.entries(pkg.dependencies)) {
    const entry = lock.packages[`node_modules/${name}`];
    assert.equal(entry?.version, version, name);
  }
  const unpinned = Object.entries(lock.packages)
    .filter(([path, e]) => path !== "" && !e.integrity && !(e.optional && e.os && !e.resolved))
    .map(([path]) => path);
  assert.deepEqual(unpinned, [], "entries without integrity (other than other-platform optionals)");
});
