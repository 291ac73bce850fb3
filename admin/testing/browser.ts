/** The real console process and Debian's Chromium, for the browser tests. */
import { type Browser, chromium } from "playwright-core";
import { TEST_TARGETS } from "./stores.ts";

const DENO = new URL("../../node_modules/.bin/deno", import.meta.url).pathname;
const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** Starts main.ts on port 0 and resolves with its port once it logs "Listening". */
export async function startAdmin(env: Record<string, string> = {}) {
  const child = new Deno.Command(DENO, {
    args: ["run", "-A", MAIN],
    env: {
      PORT: "0",
      DATABASE_URL: TEST_TARGETS.databaseUrl,
      CLICKHOUSE_URL: TEST_TARGETS.clickhouseUrl,
      CLICKHOUSE_DATABASE: TEST_TARGETS.clickhouseDatabase,
      ...env,
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  while (true) {
    const { value, done } = await lines.read();
    if (done) throw new Error(`admin exited before listening:\n${buffer}`);
    buffer += value;
    const match = /"message":"Listening","port":(\d+)/.exec(buffer);
    if (match) {
      // Keep draining stderr so the child never blocks on a full pipe.
      (async () => {
        while (!(await lines.read()).done);
      })();
      return { child, port: Number(match[1]) };
    }
  }
}

/** Headless Chromium from Debian (`/usr/bin/chromium`). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
