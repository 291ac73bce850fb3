/** Devices and user agents of GadgetStore's visitors: browsers, the shop's apps, and crawlers. */
import { type Rng, weighted } from "./prng.ts";

/** The platforms the shop has: its website and its two native apps. */
export type Platform = "web" | "ios" | "android";

/** A device profile: where it runs and the User-Agent it sends. */
export interface Agent {
  platform: Platform;
  /** desktop, mobile, tablet or bot. */
  device: "desktop" | "mobile" | "tablet" | "bot";
  userAgent: string;
  /** The app build, for native-app agents. */
  appVersion?: string;
}

const WEB_AGENTS: (readonly [Agent, number])[] = [
  [
    desktop(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    ),
    26,
  ],
  [
    desktop(
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    ),
    10,
  ],
  [
    desktop(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    ),
    6,
  ],
  [
    desktop(
      "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    ),
    2,
  ],
  [
    desktop(
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    ),
    8,
  ],
  [
    desktop(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    ),
    7,
  ],
  [
    mobileWeb(
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    ),
    16,
  ],
  [
    mobileWeb(
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
    ),
    4,
  ],
  [
    mobileWeb(
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
    ),
    8,
  ],
  [
    mobileWeb(
      "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
    ),
    8,
  ],
  [
    mobileWeb(
      "Mozilla/5.0 (Linux; Android 13; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
    ),
    3,
  ],
  [{
    platform: "web",
    device: "tablet",
    userAgent:
      "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  }, 3],
];

const IOS_AGENTS: (readonly [Agent, number])[] = [
  [
    app(
      "ios",
      "GadgetStore/4.12.0 (com.gadgetstore.app; build:4120; iOS 18.1.0) EventFlowSwift/1.3.0",
      "4.12.0",
    ),
    6,
  ],
  [
    app(
      "ios",
      "GadgetStore/4.11.2 (com.gadgetstore.app; build:4112; iOS 17.6.1) EventFlowSwift/1.2.4",
      "4.11.2",
    ),
    3,
  ],
  [
    app(
      "ios",
      "GadgetStore/4.12.0 (com.gadgetstore.app; build:4120; iPadOS 18.1.0) EventFlowSwift/1.3.0",
      "4.12.0",
    ),
    1,
  ],
];

const ANDROID_AGENTS: (readonly [Agent, number])[] = [
  [
    app(
      "android",
      "GadgetStore/4.12.1 (Linux; U; Android 14; Pixel 8 Build/AP2A.240905.003) EventFlowKotlin/1.3.0",
      "4.12.1",
    ),
    4,
  ],
  [
    app(
      "android",
      "GadgetStore/4.12.1 (Linux; U; Android 14; SM-S921B Build/UP1A.231005.007) EventFlowKotlin/1.3.0",
      "4.12.1",
    ),
    4,
  ],
  [
    app(
      "android",
      "GadgetStore/4.10.0 (Linux; U; Android 12; Redmi Note 11 Build/SKQ1.211103.001) EventFlowKotlin/1.2.1",
      "4.10.0",
    ),
    2,
  ],
];

const BOT_AGENTS: (readonly [Agent, number])[] = [
  [bot("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"), 4],
  [bot("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"), 2],
  [bot("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)"), 2],
  [bot("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"), 1],
  [bot("python-requests/2.32.3"), 1],
];

/** How the shop's traffic splits across platforms (bots are a separate share). */
export const PLATFORM_WEIGHTS: readonly (readonly [Platform, number])[] = [
  ["web", 62],
  ["ios", 22],
  ["android", 16],
];

/** Picks a device for a person using `platform`. */
export function pickAgent(rng: Rng, platform: Platform): Agent {
  const table = platform === "web" ? WEB_AGENTS : platform === "ios" ? IOS_AGENTS : ANDROID_AGENTS;
  return weighted(rng, table);
}

/** Picks a crawler or script. */
export function pickBot(rng: Rng): Agent {
  return weighted(rng, BOT_AGENTS);
}

/** Every agent the model can emit (for tests and docs). */
export const ALL_AGENTS: readonly Agent[] = [WEB_AGENTS, IOS_AGENTS, ANDROID_AGENTS, BOT_AGENTS]
  .flatMap((t) => t.map(([a]) => a));

function desktop(userAgent: string): Agent {
  return { platform: "web", device: "desktop", userAgent };
}

function mobileWeb(userAgent: string): Agent {
  return { platform: "web", device: "mobile", userAgent };
}

function app(platform: Platform, userAgent: string, appVersion: string): Agent {
  return {
    platform,
    device: userAgent.includes("iPadOS") ? "tablet" : "mobile",
    userAgent,
    appVersion,
  };
}

function bot(userAgent: string): Agent {
  return { platform: "web", device: "bot", userAgent };
}
