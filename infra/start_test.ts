import assert from "node:assert/strict";
import { banner, consoleQueryEnv } from "./start.ts";
import { loadStackConfig } from "./stack/config.ts";

const config = loadStackConfig({});

Deno.test("banner() announces the dev write key as a local-development key", () => {
  const text = banner(config, { ready: config.services, writeKey: "dev_write_key" });
  assert.match(text, /Dev write key {2}dev_write_key\n +local development only: a well-known key/);
  assert.match(text, /-H 'X-Write-Key: dev_write_key'/);
  assert.match(text, /ClickHouse .*users and passwords in .*\/clickhouse-users\.json\)/);
});

Deno.test("banner() announces the dev server key as local-only when it is active", () => {
  const text = banner(config, {
    ready: config.services,
    writeKey: null,
    serverKey: "dev_server_key",
  });
  assert.match(
    text,
    /Dev server key dev_server_key\n +local development only: a well-known back-end key/,
  );
  const revoked = banner(config, {
    ready: config.services,
    writeKey: "dev_write_key",
    serverKey: null,
  });
  assert.doesNotMatch(revoked, /dev_server_key|Dev server key/);
});

Deno.test("banner() offers no key when the dev key is revoked or not provisioned", () => {
  const text = banner(config, { ready: config.services, writeKey: null });
  assert.doesNotMatch(text, /dev_write_key/);
  assert.match(
    text,
    /Dev write key {2}not active .*\n +deno run -A ingest\/cli\/sources\.ts create/,
  );
});

Deno.test("banner() points at ingest's metrics on its ops port", () => {
  const text = banner(config, { ready: config.services, writeKey: null });
  assert.match(text, /ingest +http:\/\/127\.0\.0\.1:8090\/metrics/);
  assert.doesNotMatch(text, /:8080\/metrics/);
});

Deno.test("consoleQueryEnv() points the console at the query service with the ensured token", () => {
  const opts = { queryPort: 8084, queryTokenReady: true, queryToken: "dev_query_token" };
  assert.deepEqual(consoleQueryEnv({}, opts), {
    QUERY_URL: "http://127.0.0.1:8084",
    QUERY_TOKEN: "dev_query_token",
  });
  // What the operator set wins; no token when provisioning it failed; no URL without the service.
  assert.deepEqual(consoleQueryEnv({ QUERY_TOKEN: "mine" }, opts), {
    QUERY_URL: "http://127.0.0.1:8084",
  });
  assert.deepEqual(
    consoleQueryEnv({}, { queryPort: undefined, queryTokenReady: false, queryToken: "x" }),
    {},
  );
});
