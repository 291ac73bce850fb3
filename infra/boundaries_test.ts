import assert from "node:assert/strict";
import { checkImport, describe, findViolations, importsOf } from "./boundaries.ts";

Deno.test("importsOf() finds static, multi-line, type-only, re-export and dynamic imports", () => {
  const source = `import assert from "node:assert/strict";
import {
  a,
  type B,
} from "../shared/x.ts";
import type { C } from './c.ts';
import "./side_effect.ts";
export * from "./mod.ts";
export { d as e } from "../sink/d.ts";
const f = await import("../admin/f.ts");
export const g = "not an import";
export default function h() {}
`;
  assert.deepEqual(importsOf(source), [
    "node:assert/strict",
    "../shared/x.ts",
    "./c.ts",
    "./side_effect.ts",
    "./mod.ts",
    "../sink/d.ts",
    "../admin/f.ts",
  ]);
});

Deno.test("checkImport() lets a service import its own folder, shared/ and packages only", () => {
  assert.equal(checkImport("sink/core/plan.ts", "./rows.ts"), null);
  assert.equal(checkImport("sink/core/plan.ts", "../adapters/writer.ts"), null);
  assert.equal(checkImport("sink/core/plan.ts", "../../shared/events/mod.ts"), null);
  assert.equal(checkImport("sink/core/plan.ts", "zod"), null);
  assert.equal(checkImport("sink/core/plan.ts", "node:fs"), null);
  assert.deepEqual(checkImport("admin/adapters/ch.ts", "../../enrich/steps/normalize.ts"), {
    file: "admin/adapters/ch.ts",
    specifier: "../../enrich/steps/normalize.ts",
    target: "enrich/steps/normalize.ts",
    rule: "a service (admin/) imports only its own folder and shared/",
  });
  assert.equal(
    checkImport("enrich/main_test.ts", "../infra/stack/config.ts")?.rule,
    "a service (enrich/) imports only its own folder and shared/",
  );
});

Deno.test("checkImport() keeps shared/ free of services and tooling; tooling may import all", () => {
  assert.equal(checkImport("shared/kafka/mod.ts", "../config.ts"), null);
  assert.equal(
    checkImport("shared/events/mod.ts", "../../sink/core/plan.ts")?.rule,
    "shared/ imports no service and no tooling",
  );
  assert.equal(
    checkImport("shared/migrate.ts", "../infra/stack/config.ts")?.rule,
    "shared/ imports no service and no tooling",
  );
  assert.equal(checkImport("infra/start.ts", "../ingest/cli/sources.ts"), null);
  assert.equal(checkImport("e2e/pipeline_test.ts", "../sink/testing/events.ts"), null);
  assert.equal(checkImport("grafana/build.ts", "../shared/events/mod.ts"), null);
  assert.equal(checkImport("bench/suite.ts", "../infra/proc.ts"), null);
  assert.equal(
    checkImport("sink/x.ts", "../../etc/passwd.ts")?.rule,
    "it climbs above the repository root",
  );
});

Deno.test("findViolations() names each file and import that crosses a boundary", async () => {
  const root = await Deno.makeTempDir({ prefix: "boundaries_test_" });
  try {
    const write = async (path: string, text: string) => {
      await Deno.mkdir(`${root}/${path.slice(0, path.lastIndexOf("/"))}`, { recursive: true });
      await Deno.writeTextFile(`${root}/${path}`, text);
    };
    await write("shared/events/mod.ts", `export * from "../../sink/core/kinds.ts";\n`);
    await write("sink/core/kinds.ts", `import { x } from "../../shared/events/mod.ts";\n`);
    await write(
      "admin/routes/page.tsx",
      `import { a } from "./a.ts";\nimport { kinds } from "../../sink/core/kinds.ts";\n`,
    );
    await write("infra/tool.ts", `import { kinds } from "../sink/core/kinds.ts";\n`);
    await write("node_modules/pkg/index.ts", `import "../../sink/core/kinds.ts";\n`);
    const found = (await findViolations(root)).map(describe);
    assert.deepEqual(found, [
      'admin/routes/page.tsx imports "../../sink/core/kinds.ts" (sink/core/kinds.ts): ' +
      "a service (admin/) imports only its own folder and shared/",
      'shared/events/mod.ts imports "../../sink/core/kinds.ts" (sink/core/kinds.ts): ' +
      "shared/ imports no service and no tooling",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("this repository keeps its boundaries", async () => {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  assert.deepEqual((await findViolations(root)).map(describe), []);
});
