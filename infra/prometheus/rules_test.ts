import assert from "node:assert/strict";
import { parse } from "yaml";

const DIR = new URL(".", import.meta.url).pathname;

interface RuleFile {
  groups: { rules: { alert?: string }[] }[];
}
interface RuleTests {
  rule_files: string[];
  tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}

async function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command("promtool", {
    args,
    cwd: DIR,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, output: decode(out.stdout) + decode(out.stderr) };
}

Deno.test("alerts.yml passes `promtool check rules`", async () => {
  const { code, output } = await promtool("check", "rules", "alerts.yml");
  assert.equal(code, 0, output);
  assert.match(output, /SUCCESS: \d+ rules found/);
});

Deno.test("every alert rule passes its `promtool test rules` unit tests", async () => {
  const { code, output } = await promtool("test", "rules", "alerts_test.yml");
  assert.equal(code, 0, output);
  assert.match(output, /SUCCESS/);
});

Deno.test("every alert rule has a unit test that expects it to fire", async () => {
  const rules = parse(await Deno.readTextFile(`${DIR}/alerts.yml`)) as RuleFile;
  const tests = parse(await Deno.readTextFile(`${DIR}/alerts_test.yml`)) as RuleTests;
  assert.deepEqual(tests.rule_files, ["alerts.yml"]);
  const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert)).filter((a) =>
    a !== undefined
  );
  const firing = new Set(
    tests.tests.flatMap((t) => t.alert_rule_test ?? []).filter((t) => t.exp_alerts.length > 0)
      .map((t) => t.alertname),
  );
  assert.ok(alerts.length >= 10, `expected the full rule set, found ${alerts.length} alerts`);
  assert.deepEqual(alerts.filter((a) => !firing.has(a)), [], "alerts without a firing test");
});

Deno.test("every alert links to its runbook section in docs/operations.md", async () => {
  const rules = parse(await Deno.readTextFile(`${DIR}/alerts.yml`)) as {
    groups: { rules: { alert?: string; annotations?: { runbook?: string } }[] }[];
  };
  const runbook = await Deno.readTextFile(`${DIR}/../../docs/operations.md`);
  const headings = new Set(
    [...runbook.matchAll(/^#{2,4} (\S+)/gm)].map((m) => m[1]!.toLowerCase()),
  );
  for (const rule of rules.groups.flatMap((g) => g.rules)) {
    if (rule.alert === undefined) continue;
    assert.equal(rule.annotations?.runbook, `docs/operations.md#${rule.alert.toLowerCase()}`);
    assert.ok(
      headings.has(rule.alert.toLowerCase()),
      `docs/operations.md has no "### ${rule.alert}"`,
    );
  }
});
