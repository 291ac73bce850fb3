/**
 * User step: tier, signup date and country of a known user.
 */
import { errorMessage } from "../../shared/errors.ts";
import type { Step } from "./types.ts";

/** A user's profile as stored in PostgreSQL `users`. */
export interface UserRow {
  tier: string | null;
  signup_at: string | null;
  country_code: string | null;
}

/** Reads user profiles. */
export interface UserLookup {
  get(userId: string): Promise<UserRow | null>;
}

/** Adds the profile of the event's user (after identity resolution). */
export function userStep(users: UserLookup): Step {
  return {
    name: "user",
    async run(event) {
      if (event.user_id === null) return { patch: {} };
      try {
        const row = await users.get(event.user_id);
        if (row === null) return { patch: {} };
        return { patch: { user: { ...event.user, ...row } } };
      } catch (error) {
        return { patch: {}, error: `User profile lookup failed: ${errorMessage(error)}` };
      }
    },
  };
}
