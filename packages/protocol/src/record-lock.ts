/**
 * One operation at a time per stored record. Every group and session call is
 * load → compute → save across awaits; two interleaved calls on the same
 * record would both start from the same state, so two messages could be
 * encrypted with the same iteration or counter — the same AES key and IV —
 * and one save would silently undo the other. Calls on the same (store,
 * key) are therefore queued; different records run freely, and an idle
 * record costs one extra promise per call.
 */

const queues = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * Runs `operation` after every earlier operation on the same `store` and `key`.
 *
 * @example
 * return withRecordLock(store, senderKeyName(sender, distributionId), async () => { ... });
 */
export function withRecordLock<T>(store: object, key: string, operation: () => Promise<T>): Promise<T> {
  let perStore = queues.get(store);
  if (perStore === undefined) {
    perStore = new Map();
    queues.set(store, perStore);
  }
  const queue = perStore;
  const previous = queue.get(key);
  const run = previous === undefined ? operation() : previous.then(operation, operation);
  // Drop the entry once nobody queued behind us, so the map stays small.
  const release = (): void => {
    if (queue.get(key) === tail) queue.delete(key);
  };
  const tail: Promise<void> = run.then(release, release);
  queue.set(key, tail);
  return run;
}
