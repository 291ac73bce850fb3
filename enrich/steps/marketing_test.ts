import assert from "node:assert/strict";
import { draft } from "../testing/events.ts";
import { attribution, type Campaign, marketingStep, matchCampaigns } from "./marketing.ts";
import { classifyChannel } from "./referrer.ts";

const none = {
  clickIdType: null,
  utmSource: null,
  utmMedium: null,
  referrerHost: null,
  pageHost: "shop.io",
};

Deno.test("classifyChannel() maps click ids to their ad network as paid", () => {
  const cases: Array<[string, string]> = [
    ["gclid", "Google Ads"],
    ["yclid", "Yandex.Direct"],
    ["fbclid", "Facebook Ads"],
    ["msclkid", "Microsoft Ads"],
    ["ttclid", "TikTok Ads"],
  ];
  for (const [clickIdType, source] of cases) {
    assert.deepEqual(classifyChannel({ ...none, clickIdType }), { channel: "paid", source });
  }
});

Deno.test("classifyChannel() tells search, social, email, internal, referral and direct apart", () => {
  const by = (referrerHost: string | null) => classifyChannel({ ...none, referrerHost });
  assert.deepEqual(by("www.google.de"), { channel: "search", source: "Google" });
  assert.deepEqual(by("yandex.ru"), { channel: "search", source: "Yandex" });
  assert.deepEqual(by("t.co"), { channel: "social", source: "X" });
  assert.deepEqual(by("mail.google.com"), { channel: "email", source: "Gmail" });
  assert.deepEqual(by("www.shop.io"), { channel: "internal", source: null });
  assert.deepEqual(by("blog.example.org"), { channel: "referral", source: "blog.example.org" });
  assert.deepEqual(by(null), { channel: "direct", source: null });
  assert.deepEqual(classifyChannel({ ...none, utmMedium: "cpc", utmSource: "google" }), {
    channel: "paid",
    source: "google",
  });
  assert.deepEqual(classifyChannel({ ...none, utmMedium: "email", utmSource: "newsletter" }), {
    channel: "email",
    source: "newsletter",
  });
});

Deno.test("attribution() reads UTM and click ids from the URL, else context.campaign", () => {
  const fromUrl = attribution(draft({
    url: "https://shop.io/?utm_source=google&utm_medium=cpc&utm_campaign=spring&gclid=abc",
    referrer: "https://www.google.com/",
  }));
  assert.deepEqual(
    [
      fromUrl.utm_source,
      fromUrl.utm_medium,
      fromUrl.utm_campaign,
      fromUrl.click_id_type,
      fromUrl.click_id,
    ],
    ["google", "cpc", "spring", "gclid", "abc"],
  );
  assert.deepEqual([fromUrl.channel, fromUrl.referrer_source, fromUrl.referrer_host], [
    "paid",
    "Google Ads",
    "www.google.com",
  ]);
  const fromContext = attribution(draft({
    url: null,
    context: { campaign: { source: "fb", medium: "social", name: "launch", yclid: "y1" } },
  }));
  assert.deepEqual([fromContext.utm_campaign, fromContext.click_id_type, fromContext.channel], [
    "launch",
    "yclid",
    "paid",
  ]);
});

Deno.test("attribution() reads UTM tags from a bare path, as the brief's example sends the URL", () => {
  const fromPath = attribution(draft({
    url: "/products/123?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale",
    referrer: null,
  }));
  assert.deepEqual(
    [fromPath.utm_source, fromPath.utm_medium, fromPath.utm_campaign, fromPath.channel],
    ["newsletter", "email", "spring_sale", "email"],
  );
});

Deno.test("matchCampaigns() keeps campaigns active at the event time that match its UTM campaign", () => {
  const at = Date.parse("2026-04-10T12:00:00Z");
  const day = 86_400_000;
  const campaigns: Campaign[] = [
    {
      name: "Spring sale",
      utm_campaign: "spring_sale",
      channel: null,
      starts_at: at - day,
      ends_at: at + day,
    },
    {
      name: "Always on",
      utm_campaign: null,
      channel: null,
      starts_at: at - day,
      ends_at: at + day,
    },
    { name: "Over", utm_campaign: null, channel: null, starts_at: at - 2 * day, ends_at: at },
    {
      name: "Paid only",
      utm_campaign: null,
      channel: "paid",
      starts_at: at - day,
      ends_at: at + day,
    },
    {
      name: "Other",
      utm_campaign: "black_friday",
      channel: null,
      starts_at: at - day,
      ends_at: at + day,
    },
  ];
  const event = draft();
  const { patch } = marketingStep({ current: () => campaigns }).run(event) as {
    patch: { marketing: { campaigns: string[]; channel: string } };
  };
  assert.deepEqual(patch.marketing.channel, "email");
  assert.deepEqual(patch.marketing.campaigns, ["Spring sale", "Always on"]);
  assert.deepEqual(matchCampaigns(campaigns, at + 2 * day, patch.marketing as never), []);
});

Deno.test("marketingStep() degrades with an error while the campaign list is not loaded", () => {
  const result = marketingStep({ current: () => null }).run(draft()) as {
    patch: { marketing: { campaigns: string[]; utm_campaign: string } };
    error: string;
  };
  assert.deepEqual(result.patch.marketing.utm_campaign, "spring_sale");
  assert.deepEqual(result.patch.marketing.campaigns, []);
  assert.deepEqual(result.error, "Campaign list is not loaded yet (PostgreSQL unreachable?)");
});
