/**
 * A store write that refused some events by name: the lane dead-letters exactly those, with the
 * error's reason, and writes the rest again. Unlike a content error it needs no bisection,
 * because the store already knows which events are at fault.
 */
import { EventFlowError } from "../../shared/errors.ts";

/** Thrown by a store's write when named events must not be written; nothing was committed. */
export class RowsRejectedError extends EventFlowError {
  /** The dead-letter reason, e.g. `ORDER_ID_CONFLICT`. */
  readonly reason: string;
  /** Event id → why that event was refused. */
  readonly events: ReadonlyMap<string, string>;

  constructor(reason: string, events: ReadonlyMap<string, string>) {
    const [first] = events.values();
    super(
      "ROWS_REJECTED",
      `${events.size} event(s) refused (${reason})${first === undefined ? "" : `: ${first}`}`,
    );
    this.name = "RowsRejectedError";
    this.reason = reason;
    this.events = events;
  }
}
