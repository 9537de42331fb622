/**
 * Runs work on many items with at most `limit` in flight: handing a sender
 * key to a thousand members one round trip at a time took a thousand round
 * trips before the first message could go.
 */

/**
 * Calls `work` on every item, at most `limit` at a time. After a failure no
 * new item starts; it rejects with the first failure once the started ones settled.
 *
 * @example
 * await forEachBounded(members, 32, (m) => sendKeyTo(m));
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
}
