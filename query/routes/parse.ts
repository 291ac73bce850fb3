/** Turning a request's query string into validated parameters, or a 400 naming the field. */
import type { z } from "zod";
import { badParameter } from "../core/errors.ts";

/** The query string as one value per name; a repeated name is a 400. */
export function queryValues(url: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of new URL(url).searchParams) {
    if (name in out) throw badParameter(name, "is given more than once; give it once");
    out[name] = value;
  }
  return out;
}

/** Parses `values` with `schema`; the first problem becomes a 400 naming its field. */
export function parseParams<T extends z.ZodType>(schema: T, values: unknown): z.output<T> {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === "unrecognized_keys") {
    const name = issue.keys[0]!;
    throw badParameter(name, "is not a parameter of this question; see /api/openapi.json");
  }
  const field = issue.path.map(String).join(".") || "(query)";
  const message = issue.code === "invalid_type" && issue.input === undefined
    ? "is required"
    : issue.message.replace(/^Invalid input: /, "");
  throw badParameter(field, message);
}

/** A stable text of parameters: keys sorted, so the same question has the same cache key. */
export function canonical(params: Record<string, unknown>): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(params).filter(([, v]) => v !== undefined).sort(([a], [b]) => a < b ? -1 : 1),
    ),
  );
}
