/**
 * A hostile server's storage for tests: the real SQLite storage, except that
 * the queue can be told to hold back the next envelope for a device and
 * store it only after the one that follows it (it still tells the sender
 * "stored"). The envelopes themselves are untouched: only their order changes.
 */
import { type EnqueueRequest, openSqliteStorage, type Storage } from '@tacet/server';

export interface ReorderingStorage {
  /** The storage factory to start the server with. */
  open: () => Promise<Storage>;
  /** Holds back the next envelope for `accountId` until the one after it is stored. */
  holdNextFor(accountId: Uint8Array): void;
  /** Resolves once a held envelope has been stored behind its successor. */
  released(): Promise<void>;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** @example const r = reorderingStorage(dir); await startServer({ dataDir: dir, storage: r.open }) */
export function reorderingStorage(dataDir: string): ReorderingStorage {
  let target: Uint8Array | undefined;
  let held: { request: EnqueueRequest; max: number } | undefined;
  let onReleased: () => void = () => undefined;
  let releasedPromise = new Promise<void>((r) => {
    onReleased = r;
  });
  const forTarget = (r: EnqueueRequest) =>
    target !== undefined && r.copies.some((c) => sameBytes(c.accountId, target as Uint8Array));
  return {
    holdNextFor(accountId) {
      target = accountId;
      releasedPromise = new Promise<void>((r) => {
        onReleased = r;
      });
    },
    released: () => releasedPromise,
    async open() {
      const inner = await openSqliteStorage(dataDir);
      const queue = inner.queue;
      const enqueue = queue.enqueue.bind(queue);
      queue.enqueue = async (request, max) => {
        if (!forTarget(request)) return enqueue(request, max);
        if (!held) {
          held = { request, max };
          return { ok: true, stored: request.copies.length };
        }
        const result = await enqueue(request, max);
        await enqueue(held.request, held.max);
        held = undefined;
        target = undefined;
        onReleased();
        return result;
      };
      return inner;
    },
  };
}
