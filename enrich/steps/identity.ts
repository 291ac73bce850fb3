/**
 * Identity step: links anonymous ids to users on identify/signup/alias, and gives later
 * anonymous events the user id they were linked to.
 */
import { canonicalEvent, type EnrichedEvent } from "../../shared/events/mod.ts";
import { errorMessage } from "../../shared/errors.ts";
import type { Step } from "./types.ts";

/** Where anonymous id → user id links are kept. */
export interface IdentityStore {
  /** The user linked to an anonymous id, or null. */
  resolve(anonymousId: string): Promise<string | null>;
  /** Records a link so the next events see it before the sink has written it to PostgreSQL. */
  link(anonymousId: string, userId: string): Promise<void>;
}

/** The anonymous id → user id link an event establishes, if any. */
export function linkFrom(event: EnrichedEvent): { anonymousId: string; userId: string } | null {
  if (event.user_id === null) return null;
  if (event.type === "alias" && event.previous_id !== null && event.previous_id !== event.user_id) {
    return { anonymousId: event.previous_id, userId: event.user_id };
  }
  const links = event.type === "identify" || canonicalEvent(event.event) === "signup";
  if (links && event.anonymous_id !== null) {
    return { anonymousId: event.anonymous_id, userId: event.user_id };
  }
  return null;
}

/** Records links and resolves anonymous events to their user. */
export function identityStep(store: IdentityStore): Step {
  return {
    name: "identity",
    async run(event) {
      try {
        const link = linkFrom(event);
        if (link) {
          await store.link(link.anonymousId, link.userId);
          return { patch: {} };
        }
        if (event.user_id !== null || event.anonymous_id === null) return { patch: {} };
        const userId = await store.resolve(event.anonymous_id);
        if (userId === null) return { patch: {} };
        return { patch: { user_id: userId, user: { ...event.user, identity_resolved: true } } };
      } catch (error) {
        return { patch: {}, error: `Identity resolution failed: ${errorMessage(error)}` };
      }
    },
  };
}
