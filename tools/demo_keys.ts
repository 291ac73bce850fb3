/**
 * Which write key each demo event is sent with. Ingest counts business-critical facts (purchases,
 * refunds, user traits) only from a server-kind key, as a shop's back end would send them; page
 * views, clicks and carts come from the public browser/app key. A request of the load generator
 * is split into one request per key.
 */
import { canonicalEvent } from "../shared/events/vocabulary.ts";
import type { OutgoingRequest, Send, SendResult } from "../bench/loadgen/sender.ts";
import { BATCH_PATH, batchBody, type ShopEvent, singleBody } from "../bench/loadgen/model/mod.ts";

/** The key kinds. */
export type KeyKind = "server" | "public";

const SERVER_EVENTS = new Set(["purchase", "refund", "identify"]);

/** `server` for purchases, refunds and identify calls (or anything carrying traits). */
export function keyKindOf(event: Pick<ShopEvent, "event_type" | "traits">): KeyKind {
  if (event.traits !== undefined) return "server";
  const canonical = canonicalEvent(event.event_type);
  return canonical !== null && SERVER_EVENTS.has(canonical) ? "server" : "public";
}

/** The events of a load-generator request (single event or batch body). */
export function eventsOf(req: OutgoingRequest): { events: ShopEvent[]; sentAt?: string } {
  const body = JSON.parse(req.body) as ShopEvent | { events: ShopEvent[]; sent_at?: string };
  if ("events" in body && Array.isArray(body.events)) {
    return { events: body.events, sentAt: body.sent_at };
  }
  return { events: [body as ShopEvent] };
}

/** Splits `req` into at most one request per key kind, keeping order and `sent_at`. */
export function splitByKey(req: OutgoingRequest): Array<{ kind: KeyKind; req: OutgoingRequest }> {
  const { events, sentAt } = eventsOf(req);
  const out: Array<{ kind: KeyKind; req: OutgoingRequest }> = [];
  for (const kind of ["public", "server"] as const) {
    const mine = events.filter((e) => keyKindOf(e) === kind);
    if (mine.length === 0) continue;
    const body = sentAt !== undefined || mine.length > 1
      ? batchBody(mine, sentAt !== undefined ? Date.parse(sentAt) : Date.now())
      : singleBody(mine[0]!);
    out.push({
      kind,
      req: {
        path: sentAt !== undefined || mine.length > 1 ? BATCH_PATH : req.path,
        body,
        events: mine.length,
        userAgent: req.userAgent,
      },
    });
  }
  return out;
}

/** A sender that sends each part of a request with its key's sender and adds up the answers. */
export function keyedSender(senders: Record<KeyKind, Send>): Send {
  return async function send(req) {
    const parts = splitByKey(req);
    const results = await Promise.all(parts.map((p) => senders[p.kind](p.req)));
    return results.reduce<SendResult>((sum, r) => ({
      status: Math.max(sum.status, r.status),
      accepted: sum.accepted + r.accepted,
      rejected: sum.rejected + r.rejected,
      error: sum.error ?? r.error,
    }), { status: 0, accepted: 0, rejected: 0, error: null });
  };
}
