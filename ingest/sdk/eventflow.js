/*! eventflow.js, EventFlow's first-party web tracker (plain ES2017, no dependencies).
 * <script async src="https://INGEST/sdk/eventflow.js" data-write-key="KEY"></script>
 * Options, API and wire format: docs/ingest.md ("First-party web tracker"). */
((w, d) => {
  "use strict";
  if (w.eventflow && w.eventflow.version) return;
  const VERSION = "1.0.0";
  const BATCH = 20;
  const tag = d.currentScript || d.querySelector("script[data-write-key]");
  const attr = (name) => tag && tag.getAttribute("data-" + name);
  const key = attr("write-key");
  const url = (attr("api") || (tag && tag.src ? new URL(tag.src).origin : "")).replace(/\/+$/, "") +
    "/v1/batch";

  // localStorage, or a first-party cookie where it is blocked.
  const get = (k) => {
    try {
      const v = localStorage.getItem(k);
      if (v !== null) return v;
    } catch (_) { /* blocked */ }
    const m = d.cookie.match(new RegExp("(?:^|; )" + k + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : null;
  };
  const set = (k, v) => {
    try {
      return v === null ? localStorage.removeItem(k) : localStorage.setItem(k, v);
    } catch (_) {
      d.cookie = `${k}=${encodeURIComponent(v || "")};path=/;SameSite=Lax;max-age=${
        v === null ? 0 : 31536000
      }`;
    }
  };
  const parse = (text, fallback) => {
    try {
      return JSON.parse(text) || fallback;
    } catch (_) {
      return fallback;
    }
  };
  // randomUUID: secure contexts only.
  const uuid = () =>
    crypto.randomUUID ? crypto.randomUUID() : "10000000-1000-4000-8000-100000000000".replace(
      /[018]/g,
      (c) => (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16),
    );

  let anonymousId = get("ef_aid");
  if (!anonymousId) set("ef_aid", anonymousId = uuid());
  let userId = get("ef_uid");
  const stored = get("ef_consent");
  let consent = stored === null ? attr("require-consent") !== "true" : stored === "1";
  const dnt = navigator.doNotTrack === "1" || w.doNotTrack === "1" ||
    navigator.globalPrivacyControl === true;

  // Landing URL attribution, kept for the session (SPA routes drop the query).
  const q = new URLSearchParams(location.search);
  const landing = {};
  for (const k of ["source", "medium", "campaign", "term", "content"]) {
    if (q.get("utm_" + k)) landing[k === "campaign" ? "name" : k] = q.get("utm_" + k);
  }
  for (const k of ["gclid", "dclid", "fbclid", "msclkid", "ttclid", "yclid"]) {
    if (q.get(k)) landing[k] = q.get(k);
  }
  let campaign = landing;
  try {
    if (Object.keys(landing).length) sessionStorage.setItem("ef_utm", JSON.stringify(landing));
    else campaign = parse(sessionStorage.getItem("ef_utm"), {});
  } catch (_) { /* blocked */ }

  // What a closing page could not beacon.
  const queue = parse(get("ef_queue"), []);
  set("ef_queue", null);
  let timer = null;
  let attempt = 0;
  let inflight = 0; // events at the head of the queue that a fetch is sending
  let last = 0;

  const page = () => ({
    url: location.href,
    path: location.pathname,
    search: location.search,
    title: d.title,
    referrer: d.referrer,
  });
  const body = (batch) =>
    JSON.stringify({ batch, sentAt: new Date().toISOString(), writeKey: key });
  const schedule = (ms) => {
    if (timer === null) timer = setTimeout(flush, ms);
  };

  const enqueue = (msg) => {
    if (!consent || dnt || !key) return;
    // Strictly increasing: calls within one ms keep their order.
    last = Math.max(Date.now(), last + 1);
    Object.assign(msg, {
      messageId: uuid(),
      anonymousId,
      timestamp: new Date(last).toISOString(),
      context: {
        library: { name: "eventflow.js", version: VERSION },
        page: page(),
        campaign: Object.keys(campaign).length ? campaign : undefined,
        locale: navigator.language,
      },
    });
    if (userId) msg.userId = userId;
    queue.push(msg);
    if (queue.length > 500) queue.splice(0, queue.length - 500);
    if (queue.length >= BATCH) flush();
    else schedule(1000);
  };

  function flush() {
    clearTimeout(timer);
    timer = null;
    if (inflight || !queue.length) return Promise.resolve();
    const batch = queue.slice(0, BATCH);
    inflight = batch.length;
    // text/plain with the key in the body: a "simple" request, no CORS preflight.
    return fetch(url, { method: "POST", body: body(batch), keepalive: true })
      // Retry 429, 5xx and network errors; other 4xx cannot succeed later.
      .then((res) => res.status < 500 && res.status !== 429, () => false)
      .then((sent) => {
        if (sent) queue.splice(0, inflight);
        inflight = 0;
        if (sent) {
          attempt = 0;
          if (queue.length) schedule(0);
        } else {
          // Exponential backoff with jitter: ~1 s, 2 s, 4 s … up to 60 s.
          schedule(Math.min(60000, 1000 * 2 ** attempt++) * (0.5 + Math.random() / 2));
        }
      });
  }

  const hide = () => {
    // Events already in a keepalive fetch stay at the head; the rest go by beacon.
    while (queue.length > inflight) {
      const batch = queue.slice(inflight, inflight + BATCH);
      if (!navigator.sendBeacon(url, new Blob([body(batch)], { type: "text/plain" }))) break;
      queue.splice(inflight, batch.length);
    }
    // The rest (and the in-flight head) goes with the next page load; downstream dedups by id.
    set("ef_queue", queue.length ? JSON.stringify(queue) : null);
  };

  let lastUrl = null;
  const tracker = {
    version: VERSION,
    track: (event, properties) => enqueue({ type: "track", event: String(event), properties }),
    page: (name, properties) => {
      lastUrl = location.href;
      enqueue({ type: "page", name, properties: Object.assign(page(), properties) });
    },
    identify: (id, traits) => {
      if (id != null) set("ef_uid", userId = String(id));
      enqueue({ type: "identify", traits });
    },
    consent: (granted) => {
      consent = !!granted;
      set("ef_consent", consent ? "1" : "0");
      if (!consent) queue.splice(inflight);
    },
    reset: () => {
      userId = null;
      set("ef_uid", null);
      set("ef_aid", anonymousId = uuid());
    },
    flush,
    anonymousId: () => anonymousId,
    // The pre-load queue's push keeps working once the script has replaced it.
    push: ([method, ...args]) => tracker[method] && tracker[method](...args),
  };

  const pending = Array.isArray(w.eventflow) ? w.eventflow : [];
  w.eventflow = tracker;
  if (attr("auto-page") !== "false") {
    // SPA navigation: pushState / replaceState that change the URL, back and forward.
    const auto = () => location.href !== lastUrl && tracker.page();
    for (const fn of ["pushState", "replaceState"]) {
      const original = history[fn];
      history[fn] = function () {
        const result = original.apply(this, arguments);
        auto();
        return result;
      };
    }
    w.addEventListener("popstate", auto);
    tracker.page();
  }
  pending.forEach(tracker.push);
  d.addEventListener("visibilitychange", () => d.visibilityState === "hidden" && hide());
  w.addEventListener("pagehide", hide);
  if (queue.length) schedule(0);
})(window, document);
