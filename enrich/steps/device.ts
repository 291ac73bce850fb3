/**
 * Device step: browser, OS, device type/vendor/model and bot flag from the user agent.
 */
import * as uaParser from "ua-parser-js";
import { isbot } from "isbot";
import type { Device } from "../../shared/events/mod.ts";
import type { Step } from "./types.ts";

interface Part {
  name?: string;
  version?: string;
  vendor?: string;
  model?: string;
  type?: string;
}

// ua-parser-js 1.x ships no type declarations; this is the part of its result used here.
interface UaResult {
  browser: Part;
  os: Part;
  device: Part;
}

type ParserClass = new (ua: string) => { getResult(): UaResult };
const UAParser = (uaParser as unknown as { UAParser: ParserClass }).UAParser;

/** Parses a user agent; bots are kept and marked with `is_bot` and device type `bot`. */
export function parseDevice(userAgent: string): Device {
  const result = new UAParser(userAgent).getResult();
  const bot = isbot(userAgent);
  // ua-parser leaves the type empty for desktops; an OS it knows is a good sign it is one.
  const desktopOs = ["Windows", "Mac OS", "Linux", "Ubuntu", "Chromium OS", "Fedora", "Debian"];
  const type = bot
    ? "bot"
    : result.device.type ?? (desktopOs.includes(result.os.name ?? "") ? "desktop" : null);
  return {
    browser: result.browser.name ?? null,
    browser_version: result.browser.version ?? null,
    os: result.os.name ?? null,
    os_version: result.os.version ?? null,
    device_type: type,
    device_vendor: result.device.vendor ?? null,
    device_model: result.device.model ?? null,
    is_bot: bot,
  };
}

/** Options for {@link deviceStep}. */
export interface DeviceStepOptions {
  /** Distinct user agents remembered (default 5000; 0 disables). */
  cacheSize?: number;
}

/**
 * Parses the event's user agent (the raw one, or `context.userAgent` from Segment clients).
 * Parsing is a pure function of the string and real traffic repeats a few thousand strings, so
 * results are memoized: ua-parser + isbot were the costliest step per event after the lookups.
 */
export function deviceStep(opts: DeviceStepOptions = {}): Step {
  const max = opts.cacheSize ?? 5000;
  const memo = new Map<string, Device>();
  const parse = (ua: string): Device => {
    const hit = memo.get(ua);
    if (hit) return { ...hit };
    const device = parseDevice(ua);
    if (max > 0) {
      // Oldest first out: cheaper than LRU bookkeeping, and a hot string is re-added at once.
      if (memo.size >= max) memo.delete(memo.keys().next().value!);
      memo.set(ua, device);
    }
    return { ...device };
  };
  return {
    name: "device",
    run(event) {
      const fromContext = event.context.userAgent;
      const ua = event.user_agent ?? (typeof fromContext === "string" ? fromContext : null);
      if (ua === null || ua.trim() === "") return { patch: {} };
      return { patch: { device: parse(ua) } };
    },
  };
}
