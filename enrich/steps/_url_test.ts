import assert from "node:assert/strict";
import { formatPageUrl, parsePageUrl } from "./_url.ts";

Deno.test("parsePageUrl() reads absolute URLs and bare paths, and nothing else", () => {
  const path = parsePageUrl("/products/123?utm_campaign=spring#reviews");
  assert.equal(path?.relative, true);
  assert.equal(path?.url.searchParams.get("utm_campaign"), "spring");
  assert.equal(formatPageUrl(path!), "/products/123?utm_campaign=spring#reviews");
  const absolute = parsePageUrl("https://shop.io/p?x=1");
  assert.deepEqual([absolute?.relative, absolute?.url.host], [false, "shop.io"]);
  assert.equal(formatPageUrl(absolute!), "https://shop.io/p?x=1");
  assert.equal(parsePageUrl("products/123"), null);
  assert.equal(parsePageUrl("//evil.example/x"), null);
  assert.equal(parsePageUrl(""), null);
  assert.equal(parsePageUrl(42), null);
});
