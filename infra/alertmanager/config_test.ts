import assert from "node:assert/strict";
import { parse } from "yaml";
import { alertmanagerConfig, ensureReceiverToken } from "./config.ts";

Deno.test("alertmanagerConfig() routes every alert to the alerts service with its token file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const text = alertmanagerConfig({
      receiverUrl: "http://127.0.0.1:8083/api/v1/alertmanager",
      tokenFile: `${dir}/token`,
    });
    const config = parse(text);
    assert.equal(config.route.receiver, "eventflow-alerts");
    assert.deepEqual(config.receivers[0].webhook_configs[0], {
      url: "http://127.0.0.1:8083/api/v1/alertmanager",
      send_resolved: true,
      max_alerts: 100,
      http_config: { authorization: { credentials_file: `${dir}/token` } },
    });
    // Alertmanager's own checker accepts it (it needs the token file to exist).
    await ensureReceiverToken(`${dir}/token`);
    await Deno.writeTextFile(`${dir}/alertmanager.yml`, text);
    const out = await new Deno.Command("amtool", {
      args: ["check-config", `${dir}/alertmanager.yml`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const output = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, output);
    assert.match(output, /SUCCESS/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ensureReceiverToken() creates a private token once and keeps it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/sub/token`;
    const first = await ensureReceiverToken(file);
    assert.match(first, /^am_[0-9a-f]{32}$/);
    assert.equal(await ensureReceiverToken(file), first);
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
