/**
 * Rule matching: which rules an enriched event triggers. Pure.
 */
import { canonicalEvent, type EnrichedEvent } from "../../shared/events/mod.ts";
import type { Condition, Rule } from "./rules.ts";

/** The value at a dot path of the event (`undefined` when any segment is missing). */
export function fieldValue(event: unknown, path: string): unknown {
  let current: unknown = event;
  for (const segment of path.split(".")) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) {
      return undefined;
    }
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Properties often carry numbers as strings ("1249.00"); compare them as numbers. */
function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const [x, y] = [asNumber(a), asNumber(b)];
  return typeof b === "number" && x !== undefined && x === y;
}

/** Whether `event` satisfies `condition`; a missing field satisfies only `neq`. */
export function satisfies(event: unknown, condition: Condition): boolean {
  const actual = fieldValue(event, condition.field);
  if (actual === undefined) return condition.op === "neq";
  switch (condition.op) {
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const n = asNumber(actual);
      if (n === undefined) return false;
      const v = condition.value;
      return condition.op === "gt"
        ? n > v
        : condition.op === "gte"
        ? n >= v
        : condition.op === "lt"
        ? n < v
        : n <= v;
    }
    case "eq":
      return same(actual, condition.value);
    case "neq":
      return !same(actual, condition.value);
    case "in":
      return condition.value.some((v) => same(actual, v));
    case "contains":
      if (Array.isArray(actual)) return actual.some((item) => same(item, condition.value));
      return typeof actual === "string" && condition.value !== null &&
        actual.includes(String(condition.value));
  }
}

/**
 * Whether a rule's event name covers `name`: `*`, the same name, or a canonical name of the event
 * vocabulary covering its aliases (`purchase` covers `order_completed`; the reverse does not hold).
 */
function namesEvent(ruleName: string, name: string): boolean {
  return ruleName === "*" || ruleName === name || canonicalEvent(name) === ruleName;
}

/** Whether `rule` fires for `event`. */
export function matches(rule: Rule, event: EnrichedEvent): boolean {
  const names = Array.isArray(rule.when.event) ? rule.when.event : [rule.when.event];
  if (!names.some((name) => namesEvent(name, event.event))) return false;
  return rule.when.where.every((condition) => satisfies(event, condition));
}

/** The rules `event` triggers, in file order. */
export function matchingRules(rules: Rule[], event: EnrichedEvent): Rule[] {
  return rules.filter((rule) => matches(rule, event));
}

/** The throttle key value of `event` for `rule` (`null` when the rule is not throttled). */
export function throttleKey(rule: Rule, event: EnrichedEvent): string | null {
  if (!rule.throttle) return null;
  const value = fieldValue(event, rule.throttle.perKey);
  // Events without the key value share one bucket rather than escaping the throttle.
  return value === undefined || value === null ? "(none)" : String(value);
}
