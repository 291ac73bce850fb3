/** The real console process for the browser tests (Chromium comes from shared/testing). */
import { spawnChild, waitListeningPort } from "../../shared/process/mod.ts";
import { TEST_TARGETS } from "./stores.ts";

export { launchChromium } from "../../shared/testing/chromium.ts";

const DENO = new URL("../../node_modules/.bin/deno", import.meta.url).pathname;
const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** Starts main.ts on port 0 and resolves with the child and its port once it listens. */
export async function startAdmin(env: Record<string, string> = {}) {
  const child = spawnChild(DENO, {
    name: "admin",
    args: ["run", "-A", MAIN],
    env: {
      PORT: "0",
      DATABASE_URL: TEST_TARGETS.databaseUrl,
      CLICKHOUSE_URL: TEST_TARGETS.clickhouseUrl,
      CLICKHOUSE_DATABASE: TEST_TARGETS.clickhouseDatabase,
      ...env,
    },
    stderrOnly: true,
  });
  try {
    return { child, port: await waitListeningPort(child) };
  } catch (error) {
    await child.kill();
    throw error;
  }
}
