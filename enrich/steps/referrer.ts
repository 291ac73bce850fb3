/**
 * Classifying where a visit came from: click ids, UTM mediums and referrer hosts → channel.
 */

/** Ad-click id query parameters and the ad network each belongs to. */
export const CLICK_IDS: Record<string, string> = {
  gclid: "Google Ads",
  dclid: "Google Display & Video 360",
  yclid: "Yandex.Direct",
  fbclid: "Facebook Ads",
  msclkid: "Microsoft Ads",
  ttclid: "TikTok Ads",
};

const SEARCH: Array<[RegExp, string]> = [
  [/(^|\.)google\.[a-z.]+$/, "Google"],
  [/(^|\.)bing\.com$/, "Bing"],
  [/(^|\.)yandex\.[a-z.]+$|(^|\.)ya\.ru$/, "Yandex"],
  [/(^|\.)duckduckgo\.com$/, "DuckDuckGo"],
  [/(^|\.)search\.yahoo\.com$/, "Yahoo"],
  [/(^|\.)baidu\.com$/, "Baidu"],
  [/(^|\.)ecosia\.org$/, "Ecosia"],
  [/(^|\.)search\.brave\.com$/, "Brave Search"],
  [/(^|\.)naver\.com$/, "Naver"],
];

const SOCIAL: Array<[RegExp, string]> = [
  [/(^|\.)(facebook\.com|fb\.com|fb\.me)$/, "Facebook"],
  [/(^|\.)instagram\.com$/, "Instagram"],
  [/(^|\.)(twitter\.com|t\.co|x\.com)$/, "X"],
  [/(^|\.)(linkedin\.com|lnkd\.in)$/, "LinkedIn"],
  [/(^|\.)reddit\.com$/, "Reddit"],
  [/(^|\.)(youtube\.com|youtu\.be)$/, "YouTube"],
  [/(^|\.)tiktok\.com$/, "TikTok"],
  [/(^|\.)pinterest\.[a-z.]+$/, "Pinterest"],
  [/(^|\.)(vk\.com|vk\.ru)$/, "VK"],
  [/(^|\.)(t\.me|telegram\.org)$/, "Telegram"],
  [/(^|\.)news\.ycombinator\.com$/, "Hacker News"],
];

const EMAIL: Array<[RegExp, string]> = [
  [/^mail\.google\.com$/, "Gmail"],
  [/(^|\.)outlook\.(live|office)\.com$/, "Outlook"],
  [/^mail\.yahoo\.com$/, "Yahoo Mail"],
  [/^mail\.yandex\.[a-z.]+$/, "Yandex Mail"],
  [/^mail\.proton\.me$/, "Proton Mail"],
];

const PAID_MEDIUMS =
  /^(cpc|ppc|cpm|cpv|cpa|paid|paidsearch|paid_search|paid_social|paidsocial|display|banner|retargeting|affiliate)$/;

/** The known site (search/social/email) a host belongs to. */
export function knownSite(
  host: string,
): { channel: "search" | "social" | "email"; source: string } | null {
  const h = host.toLowerCase().replace(/^www\./, "");
  // Mail hosts are checked first: mail.google.com is not Google search.
  for (const [re, source] of EMAIL) if (re.test(h)) return { channel: "email", source };
  for (const [re, source] of SEARCH) if (re.test(h)) return { channel: "search", source };
  for (const [re, source] of SOCIAL) if (re.test(h)) return { channel: "social", source };
  return null;
}

/** Inputs to {@link classifyChannel}. */
export interface ChannelInput {
  clickIdType: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  referrerHost: string | null;
  pageHost: string | null;
}

/** Channel and source of a visit, the way GA-style default channel groupings decide it. */
export function classifyChannel(
  input: ChannelInput,
): { channel: string; source: string | null } {
  const medium = input.utmMedium?.toLowerCase() ?? null;
  const referrerSite = input.referrerHost === null ? null : knownSite(input.referrerHost);
  if (input.clickIdType !== null) {
    return { channel: "paid", source: CLICK_IDS[input.clickIdType] ?? input.clickIdType };
  }
  if (medium !== null && PAID_MEDIUMS.test(medium)) {
    return { channel: "paid", source: input.utmSource ?? referrerSite?.source ?? null };
  }
  if (medium === "email" || medium === "newsletter") {
    return { channel: "email", source: input.utmSource ?? referrerSite?.source ?? null };
  }
  if (medium === "social" || medium === "social-network" || medium === "sm") {
    return { channel: "social", source: input.utmSource ?? referrerSite?.source ?? null };
  }
  if (input.referrerHost === null) {
    return { channel: input.utmSource === null ? "direct" : "referral", source: input.utmSource };
  }
  const sameSite = input.pageHost !== null &&
    input.referrerHost.replace(/^www\./, "") === input.pageHost.replace(/^www\./, "");
  if (sameSite) return { channel: "internal", source: null };
  if (referrerSite) return { channel: referrerSite.channel, source: referrerSite.source };
  return {
    channel: "referral",
    source: input.utmSource ?? input.referrerHost.replace(/^www\./, ""),
  };
}
