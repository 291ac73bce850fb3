import assert from "node:assert/strict";
import { luhnValid, maskText, maskUrl, mayHoldPii } from "./pii.ts";

Deno.test("luhnValid() accepts test card numbers and rejects a changed digit", () => {
  assert.deepEqual(luhnValid("4111111111111111"), true);
  assert.deepEqual(luhnValid("5555555555554444"), true);
  assert.deepEqual(luhnValid("4111111111111112"), false);
});

Deno.test("maskText() masks emails, Luhn-valid cards and written phone numbers", () => {
  assert.deepEqual(maskText("mail jane.doe@example.com now"), "mail ***@example.com now");
  assert.deepEqual(maskText("card 4111 1111 1111 1111"), "card **** **** **** 1111");
  assert.deepEqual(maskText("card 4111-1111-1111-1111."), "card **** **** **** 1111.");
  assert.deepEqual(maskText("call +49 30 1234567"), "call [phone]");
  assert.deepEqual(maskText("call (555) 123-4567"), "call [phone]");
  assert.deepEqual(maskText("+14155550100"), "[phone]");
});

Deno.test("maskText() leaves ids, prices, dates, IPs and failed-Luhn numbers alone", () => {
  for (
    const text of [
      "order 123456789",
      "1712750400000",
      "2026-04-10T12:00:00Z",
      "2026-04-10",
      "85.214.132.64",
      "4111111111111112",
      "price 199.00",
      "550e8400-e29b-41d4-a716-446655440000",
      "CriOS/120.0.6099.119 Mobile/15E148",
    ]
  ) assert.deepEqual(maskText(text), text);
});

Deno.test("maskUrl() masks percent-encoded PII in query values", () => {
  const masked = maskUrl("https://shop.example.com/s?email=jane%40example.com&q=shoes");
  assert.deepEqual(masked.includes("jane"), false);
  assert.deepEqual(new URL(masked).searchParams.get("email"), "***@example.com");
  assert.deepEqual(new URL(masked).searchParams.get("q"), "shoes");
});

Deno.test("maskUrl() masks percent-encoded PII in a bare path and keeps it a path", () => {
  assert.equal(
    maskUrl("/search?email=jane%40example.com&q=shoes"),
    "/search?email=***%40example.com&q=shoes",
  );
});

Deno.test("maskUrl() masks percent-encoded emails in path segments and query keys", () => {
  assert.equal(
    maskUrl("https://shop.io/users/jane.doe%40example.com/orders?x=1"),
    "https://shop.io/users/***%40example.com/orders?x=1",
  );
  assert.equal(maskUrl("/u/jane.doe%40example.com?ok=1"), "/u/***%40example.com?ok=1");
  assert.equal(
    maskUrl("https://x.io/?jane.doe%40example.com=subscribed"),
    "https://x.io/?***%40example.com=subscribed",
  );
  assert.equal(maskUrl("https://x.io/a%20b/c?q=shoes"), "https://x.io/a%20b/c?q=shoes");
});

Deno.test("mayHoldPii() lets through every string with an @ or 7 digits, and only those", () => {
  for (const text of ["a@b", "+49 30 1234567", "4111 1111 1111 1111", "1234567", "x%40y@"]) {
    assert.equal(mayHoldPii(text), true, text);
  }
  for (const text of ["shoes", "order 123456", "85.21.13", "CriOS Mobile", ""]) {
    assert.equal(mayHoldPii(text), false, text);
  }
});

Deno.test("maskUrl() answers a repeated URL the same from its memo, masked", () => {
  const url = "https://shop.io/p?email=jane%40example.com&n=1";
  const first = maskUrl(url);
  assert.equal(first, "https://shop.io/p?email=***%40example.com&n=1");
  assert.equal(maskUrl(url), first);
});
