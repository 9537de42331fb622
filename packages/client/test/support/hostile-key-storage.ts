/**
 * A hostile server's storage for tests: the real SQLite storage, except that
 * it can hand the bundle claimed for an account to the next claimer too,
 * one-time prekeys included (as if it never deleted them), or withhold
 * one-time prekeys altogether (no EC prekey, and the last-resort Kyber key:
 * it burns the one-time Kyber keys to reach it); and it records the
 * envelopes stored for an account, so a test can replay them.
 */
import { type ClaimedBundle, type OutgoingCopy, openSqliteStorage, type Storage } from '@tacet/server';
import type { Harness } from './harness.js';

export interface HostileKeyStorage {
  /** The storage factory to start the server with. */
  open: () => Promise<Storage>;
  /** The next two claims of `accountId`'s bundle get the same one-time prekeys. */
  reuseNextClaimOf(accountId: Uint8Array): void;
  /** Every claim of `accountId`'s bundle has no one-time EC prekey and the last-resort Kyber prekey. */
  withholdPreKeysOf(accountId: Uint8Array): void;
  /** Records the envelopes stored for `accountId` from now on. */
  record(accountId: Uint8Array): OutgoingCopy[];
  /** How many claims were answered with a reused bundle. */
  readonly reused: number;
}

const sameBytes = (a: Uint8Array, b: Uint8Array | undefined) => !!b && Buffer.from(a).equals(Buffer.from(b));

/** @example const s = hostileKeyStorage(dir); await startServer({ dataDir: dir, storage: s.open }) */
export function hostileKeyStorage(dataDir: string): HostileKeyStorage {
  let reuseFor: Uint8Array | undefined;
  let withholdFor: Uint8Array | undefined;
  let first: ClaimedBundle | undefined;
  let reused = 0;
  let recording: { accountId: Uint8Array; copies: OutgoingCopy[] } | undefined;
  const withhold = (b: ClaimedBundle | undefined) =>
    b && { ...b, devices: b.devices.map(({ preKey: _withheld, ...d }) => d) };
  return {
    reuseNextClaimOf(accountId) {
      reuseFor = accountId;
      first = undefined;
    },
    withholdPreKeysOf(accountId) {
      withholdFor = accountId;
    },
    record(accountId) {
      recording = { accountId, copies: [] };
      return recording.copies;
    },
    get reused() {
      return reused;
    },
    async open() {
      const inner = await openSqliteStorage(dataDir);
      const claim = inner.keys.claimBundle.bind(inner.keys);
      inner.keys.claimBundle = async (accountId, deviceId) => {
        if (sameBytes(accountId, withholdFor)) {
          let b = await claim(accountId, deviceId);
          for (let i = 0; i < 10_000 && b?.devices.some((d) => !d.pqPreKeyIsLastResort); i++)
            b = await claim(accountId, deviceId);
          return withhold(b);
        }
        if (!sameBytes(accountId, reuseFor)) return claim(accountId, deviceId);
        if (!first) {
          first = await claim(accountId, deviceId);
          return first;
        }
        const again = first;
        reuseFor = undefined;
        first = undefined;
        reused++;
        return again;
      };
      const enqueue = inner.queue.enqueue.bind(inner.queue);
      inner.queue.enqueue = async (request, max) => {
        const r = recording;
        if (r) r.copies.push(...request.copies.filter((c) => sameBytes(c.accountId, r.accountId)));
        return enqueue(request, max);
      };
      return inner;
    },
  };
}

/**
 * Starts `h`'s server on a hostile key storage in a data directory of its
 * own, and returns the storage's controls.
 *
 * @example const hostile = await startHostileServer(h); hostile.reuseNextClaimOf(bobId);
 */
export async function startHostileServer(h: Harness): Promise<HostileKeyStorage> {
  h.serverDir = h.tempDir('server');
  const hostile = hostileKeyStorage(h.serverDir);
  await h.startServer({ storage: hostile.open });
  return hostile;
}
