/**
 * Minimal assertions for this folder's tests (jsr:@std/assert is unreachable from this network).
 * @module
 */

/** Throws unless `actual` and `expected` are deeply equal (JSON-comparable values). */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) {
    throw new Error(`${message ?? "Values differ"}:\n  actual:   ${a}\n  expected: ${b}`);
  }
}

/** Throws unless `fn` throws an instance of `type`; returns that error. */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  type: new (...args: never[]) => E,
): E {
  try {
    fn();
  } catch (error) {
    if (error instanceof type) return error;
    throw new Error(`Expected ${type.name}, got ${String(error)}`);
  }
  throw new Error(`Expected ${type.name} to be thrown`);
}

/** Throws unless the promise rejects with an instance of `type`; returns that error. */
export async function assertRejects<E extends Error>(
  fn: () => Promise<unknown>,
  type: new (...args: never[]) => E,
): Promise<E> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof type) return error;
    throw new Error(`Expected ${type.name}, got ${String(error)}`);
  }
  throw new Error(`Expected ${type.name} to be thrown`);
}
