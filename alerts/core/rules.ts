/**
 * Alert rules: the JSON format operators write, validated once at start.
 *
 * A rule fires for an enriched event whose name matches `when.event` and that satisfies every
 * condition in `when.where`; it then sends the event to each destination in `destinations`.
 */
import { z } from "zod";
import { EventFlowError } from "../../shared/errors.ts";

/** Comparison operators of a condition. */
export const OPERATORS = ["gt", "gte", "lt", "lte", "eq", "neq", "in", "contains"] as const;

/** One of {@link OPERATORS}. */
export type Operator = typeof OPERATORS[number];

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A dot path into the enriched event, e.g. `revenue.amount_base` or `properties.plan`. */
const fieldPath = z.string().regex(
  /^[A-Za-z_][\w-]*(\.[\w-]+)*$/,
  "must be a dot path such as revenue.amount_base or properties.plan",
);

/** Zod schema of one condition: `{ field, op, value }`. */
export const ConditionSchema = z.discriminatedUnion("op", [
  z.object({ field: fieldPath, op: z.enum(["gt", "gte", "lt", "lte"]), value: z.number() }),
  z.object({ field: fieldPath, op: z.enum(["eq", "neq", "contains"]), value: scalar }),
  z.object({ field: fieldPath, op: z.literal("in"), value: z.array(scalar).min(1) }),
]);

/** A condition on one field of the event. */
export type Condition = z.infer<typeof ConditionSchema>;

/** `webhook:<name>` or `telegram:<name>`. */
export const DESTINATION = /^(webhook|telegram):([a-z0-9_-]{1,64})$/;

/** Zod schema of one rule. */
export const RuleSchema = z.object({
  /** Stable id: part of the idempotency key and of the metrics. */
  id: z.string().regex(/^[a-z0-9_-]{1,64}$/, "must be 1-64 of a-z, 0-9, _ or -"),
  description: z.string().min(1).max(500),
  when: z.object({
    /** Normalized event name(s); `*` matches every event. */
    event: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    where: z.array(ConditionSchema).default([]),
  }).strict(),
  destinations: z.array(
    z.string().regex(DESTINATION, 'must be "webhook:<name>" or "telegram:<name>"'),
  ).min(1),
  /** At most one alert per rule and key value (e.g. per user) within the window. */
  throttle: z.object({
    perKey: fieldPath,
    windowSeconds: z.number().int().positive().max(30 * 86_400),
  }).strict().optional(),
  /** Chat message with `{dot.path}` placeholders; the default message is used without it. */
  message: z.string().min(1).max(1000).optional(),
}).strict();

/** A validated rule. */
export type Rule = z.infer<typeof RuleSchema>;

/** Zod schema of a rules file: `{ "rules": [...] }`. */
export const RulesFileSchema = z.object({ rules: z.array(RuleSchema) }).strict();

/** Parses a rules file; throws `RULES_INVALID` naming the file and every failing path. */
export function parseRules(text: string, source: string): Rule[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EventFlowError(
      "RULES_INVALID",
      `Cannot read alert rules from ${source}: not valid JSON (${(error as Error).message})`,
    );
  }
  const result = RulesFileSchema.safeParse(json);
  if (!result.success) {
    const lines = result.error.issues.map((issue) =>
      `  ${issue.path.join(".") || "(root)"}: ${issue.message}`
    );
    throw new EventFlowError(
      "RULES_INVALID",
      `Invalid alert rules in ${source}, fix these fields:\n${lines.join("\n")}`,
    );
  }
  const seen = new Set<string>();
  for (const [index, rule] of result.data.rules.entries()) {
    if (seen.has(rule.id)) {
      throw new EventFlowError(
        "RULES_INVALID",
        `Invalid alert rules in ${source}: rules.${index}.id "${rule.id}" is used twice`,
      );
    }
    seen.add(rule.id);
  }
  return result.data.rules;
}

/** Destinations that rules name but the configuration does not define, as `rule → dest`. */
export function unknownDestinations(rules: Rule[], known: Set<string>): string[] {
  return rules.flatMap((rule) =>
    rule.destinations.filter((d) => !known.has(d)).map((d) => `${rule.id} → ${d}`)
  );
}
