/**
 * One operation at a time per stored record. Every group call is
 * load → compute → save across awaits; two interleaved calls on the same
 * record would both start from the same state, so two group messages could
 * be encrypted with the same iteration — the same AES key and IV — and one
 * save would silently undo the other. Calls on the same (store, sender,
 * distribution id) are therefore queued; different records run freely.
 */

const queues = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * Runs `operation` after every earlier operation on the same `store` and `key`.
 *
 * @example
 * return withRecordLock(store, senderKeyName(sender, distributionId), async () => { ... });
 */
export async function withRecordLock<T>(store: object, key: string, operation: () => Promise<T>): Promise<T> {
  let perStore = queues.get(store);
  if (perStore === undefined) {
    perStore = new Map();
    queues.set(store, perStore);
  }
  const previous = perStore.get(key) ?? Promise.resolve();
  const run = previous.then(operation, operation);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  perStore.set(key, settled);
  try {
    return await run;
  } finally {
    // Drop the entry once nobody queued behind us, so the map stays small.
    if (perStore.get(key) === settled) perStore.delete(key);
  }
}
