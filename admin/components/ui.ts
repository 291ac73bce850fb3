/**
 * What every page renders with: language, time zone, translator, formatter and the signed-in
 * staff member. Computed once per request ({@link uiOf}) and handed to components through a
 * JSX context by `renderPage`, so deep components need no prop threading.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { createContext, useContext } from "hono/jsx";
import type { SessionInfo } from "../adapters/pg_access.ts";
import {
  type Formatter,
  formatter,
  type Locale,
  parseLocale,
  parseTimeZone,
  type Translate,
  translator,
} from "../i18n/mod.ts";

/** Cookie remembering the chosen language. */
export const LANG_COOKIE = "ef_lang";
/** Cookie remembering the chosen time zone. */
export const TZ_COOKIE = "ef_tz";

/** A request's presentation settings. */
export interface Ui {
  locale: Locale;
  timeZone: string;
  t: Translate;
  fmt: Formatter;
  /** Absent on the sign-in page. */
  staff?: SessionInfo;
  /** Path and query of the request, for the language switch's way back. */
  here: string;
}

/** Defaults when the visitor has chosen nothing. */
export interface UiDefaults {
  locale: Locale;
  timeZone: string;
}

/** Builds a {@link Ui}. */
export function makeUi(
  locale: Locale,
  timeZone: string,
  extra: { staff?: SessionInfo; here?: string } = {},
): Ui {
  return {
    locale,
    timeZone,
    t: translator(locale),
    fmt: formatter(locale, timeZone),
    staff: extra.staff,
    here: extra.here ?? "/",
  };
}

const CACHE = new WeakMap<Context, Ui>();
const FALLBACK: UiDefaults = { locale: "en", timeZone: "UTC" };

/** Context variables behind {@link uiOf}. */
export interface UiVariables {
  staff?: SessionInfo;
  uiDefaults?: UiDefaults;
}

/** Middleware recording the configured defaults for {@link uiOf}. */
export function uiDefaults(value: UiDefaults): MiddlewareHandler<{ Variables: UiVariables }> {
  return async function setUiDefaults(c, next) {
    c.set("uiDefaults", value);
    await next();
  };
}

/** The request's {@link Ui}: cookie choices, else Accept-Language, else the configured defaults. */
export function uiOf(c: Context): Ui {
  const cached = CACHE.get(c);
  if (cached !== undefined) return cached;
  const vars = c as Context<{ Variables: UiVariables }>;
  const defaults = vars.get("uiDefaults") ?? FALLBACK;
  const accept = c.req.header("accept-language")?.slice(0, 2).toLowerCase();
  const locale = parseLocale(getCookie(c, LANG_COOKIE)) ?? parseLocale(accept) ?? defaults.locale;
  const timeZone = parseTimeZone(getCookie(c, TZ_COOKIE)) ?? defaults.timeZone;
  const url = new URL(c.req.url);
  const ui = makeUi(locale, timeZone, {
    staff: vars.get("staff"),
    here: `${url.pathname}${url.search}`,
  });
  CACHE.set(c, ui);
  return ui;
}

/** The JSX context carrying the request's {@link Ui}. */
export const UiContext = createContext<Ui>(makeUi("en", "UTC"));

/** The current request's {@link Ui} inside a component. */
export function useUi(): Ui {
  return useContext(UiContext);
}
