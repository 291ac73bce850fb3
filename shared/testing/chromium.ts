/** Headless Chromium for browser tests: Debian's `/usr/bin/chromium` driven by playwright-core. */
import { type Browser, chromium } from "playwright-core";

/** Launches Debian's Chromium headless, no sandbox (tests run as root); `await using` closes it. */
export async function launchChromium(): Promise<Browser & AsyncDisposable> {
  const browser = await chromium.launch({
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
  return Object.assign(browser, { [Symbol.asyncDispose]: () => browser.close() });
}
