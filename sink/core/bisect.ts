/**
 * Isolating the rows a store rejects for their content: when a batch write fails because of what
 * is in it, split it in halves and retry each, down to single rows, so every good row is written
 * and only the bad ones are dead-lettered. Outage errors are rethrown for the caller to retry.
 */

/** A row the store refused, with the store's message. */
export interface Rejected<T> {
  item: T;
  error: string;
}

/** Options for {@link writeIsolatingRejects}. */
export interface BisectOptions {
  /** True when the store refused the data itself (retrying the same rows cannot help). */
  isContentError: (error: unknown) => boolean;
  /** Message of an error for the dead-letter record. */
  describe: (error: unknown) => string;
}

/**
 * Writes `items` with `write`; returns the rows refused for their content. A content failure of
 * a batch costs about 2·log2(n) extra writes per bad row.
 */
export async function writeIsolatingRejects<T>(
  items: readonly T[],
  write: (items: readonly T[]) => Promise<void>,
  opts: BisectOptions,
): Promise<Rejected<T>[]> {
  if (items.length === 0) return [];
  try {
    await write(items);
    return [];
  } catch (error) {
    if (!opts.isContentError(error)) throw error;
    if (items.length === 1) return [{ item: items[0]!, error: opts.describe(error) }];
  }
  const middle = Math.ceil(items.length / 2);
  const left = await writeIsolatingRejects(items.slice(0, middle), write, opts);
  const right = await writeIsolatingRejects(items.slice(middle), write, opts);
  return [...left, ...right];
}
