import assert from "node:assert/strict";
import { en } from "./en.ts";
import { ru } from "./ru.ts";
import { formatter, parseLocale, parseTimeZone, translator } from "./mod.ts";

Deno.test("the Russian dictionary has exactly the English keys, none left untranslated empty", () => {
  assert.deepEqual(Object.keys(ru).sort(), Object.keys(en).sort());
  for (const [key, text] of Object.entries(ru)) assert.notEqual(text.trim(), "", key);
});

Deno.test("both dictionaries use the same placeholders in every string", () => {
  const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const key of Object.keys(en) as (keyof typeof en)[]) {
    assert.deepEqual(names(ru[key]), names(en[key]), key);
  }
});

Deno.test("translator() fills placeholders and leaves unknown ones visible", () => {
  assert.equal(translator("ru")("staff.sub", { count: 3 }), "Учётных записей: 3");
  assert.equal(translator("en")("common.showing", { first: 1 }), "Showing 1–{last} of {total}");
});

Deno.test("formatter() formats numbers, money and times for the locale and zone", () => {
  const en = formatter("en", "UTC");
  const ru = formatter("ru", "Europe/Moscow");
  assert.equal(en.count(1234567), "1,234,567");
  assert.equal(ru.count(1234567).replace(/\s/g, " "), "1 234 567");
  assert.equal(en.money(1234.5, "USD"), "$1,234.50");
  assert.equal(ru.money(1234.5, "RUB").replace(/\s/g, " "), "1 234,50 ₽");
  assert.equal(en.money(null, "USD"), "—");
  assert.equal(en.percent(1, 3), "33.3%");
  assert.equal(en.change(120, 100), "+20.0%");
  assert.equal(en.change(5, 0), "—");
  const at = new Date("2026-03-15T21:30:00Z");
  assert.equal(en.time(at), "03/15/2026, 21:30:00");
  assert.equal(ru.time(at), "16.03.2026, 00:30:00");
  assert.equal(ru.day(at), "16.03.2026");
});

Deno.test("parseLocale() and parseTimeZone() accept only known values", () => {
  assert.equal(parseLocale("ru"), "ru");
  assert.equal(parseLocale("de"), undefined);
  assert.equal(parseTimeZone("Europe/Moscow"), "Europe/Moscow");
  assert.equal(parseTimeZone("Mars/Base"), undefined);
  assert.equal(parseTimeZone(""), undefined);
});
