/**
 * Sender-key throughput, tacet vs libsignal 0.72.1 in one process (issue 2,
 * deliverable 4c): one groupEncrypt + one groupDecrypt of a 140-byte message
 * per operation, with equivalent in-memory stores on both sides (each keeps
 * the record objects it is handed, like libsignal's own TestStores).
 *
 * Run alone: `node --import tsx bench/protocol/sender-keys.ts`.
 */
import * as S from '@signalapp/libsignal-client';
import {
  groupDecrypt,
  groupEncrypt,
  InMemorySenderKeyStore,
  ProtocolAddress,
  processSenderKeyDistributionMessage,
  SenderKeyDistributionMessage,
  type SenderKeyRecord,
  type SenderKeyStore,
} from '../../packages/protocol/src/index.js';
import { compare } from './measure.js';

const DIST = '3f0b2c1d-9e8a-4b7c-8d6e-5f4a3b2c1d0e';
const PLAINTEXT_LENGTH = 140;

/** tacet's store keeping record objects (safe: records change only after a successful call). */
class ObjectSenderKeyStore implements SenderKeyStore {
  private readonly records = new Map<string, SenderKeyRecord>();
  async saveSenderKey(
    sender: ProtocolAddress,
    distributionId: string,
    record: SenderKeyRecord,
  ): Promise<void> {
    this.records.set(`${sender.name}.${sender.deviceId}:${distributionId}`, record);
  }
  async getSenderKey(sender: ProtocolAddress, distributionId: string): Promise<SenderKeyRecord | null> {
    return this.records.get(`${sender.name}.${sender.deviceId}:${distributionId}`) ?? null;
  }
}

/** libsignal's store persisting serialized records. */
class LibsignalSerializingStore extends S.SenderKeyStore {
  private readonly records = new Map<string, Buffer>();
  async saveSenderKey(
    sender: S.ProtocolAddress,
    distributionId: S.Uuid,
    record: S.SenderKeyRecord,
  ): Promise<void> {
    this.records.set(`${sender.toString()}:${distributionId}`, record.serialize());
  }
  async getSenderKey(sender: S.ProtocolAddress, distributionId: S.Uuid): Promise<S.SenderKeyRecord | null> {
    const bytes = this.records.get(`${sender.toString()}:${distributionId}`);
    return bytes === undefined ? null : S.SenderKeyRecord.deserialize(bytes);
  }
}

/** libsignal's store keeping record objects. */
class LibsignalObjectStore extends S.SenderKeyStore {
  private readonly records = new Map<string, S.SenderKeyRecord>();
  async saveSenderKey(
    sender: S.ProtocolAddress,
    distributionId: S.Uuid,
    record: S.SenderKeyRecord,
  ): Promise<void> {
    this.records.set(`${sender.toString()}:${distributionId}`, record);
  }
  async getSenderKey(sender: S.ProtocolAddress, distributionId: S.Uuid): Promise<S.SenderKeyRecord | null> {
    return this.records.get(`${sender.toString()}:${distributionId}`) ?? null;
  }
}

type RoundTrip = () => Promise<void>;

/** Which in-memory stores both sides use: record objects, or serialized records (like a database). */
export type BenchStores = 'objects' | 'serialized';

async function tacetRoundTrip(stores: BenchStores): Promise<RoundTrip> {
  const alice = ProtocolAddress.new('alice', 1);
  const makeStore = () => (stores === 'objects' ? new ObjectSenderKeyStore() : new InMemorySenderKeyStore());
  const aliceStore = makeStore();
  const bobStore = makeStore();
  const skdm = await SenderKeyDistributionMessage.create(alice, DIST, aliceStore);
  await processSenderKeyDistributionMessage(
    alice,
    SenderKeyDistributionMessage.deserialize(skdm.serialize()),
    bobStore,
  );
  const plaintext = new Uint8Array(PLAINTEXT_LENGTH).fill(0x61);
  return async () => {
    const message = await groupEncrypt(alice, DIST, aliceStore, plaintext);
    await groupDecrypt(alice, bobStore, message.serialize());
  };
}

async function libsignalRoundTrip(stores: BenchStores): Promise<RoundTrip> {
  const alice = S.ProtocolAddress.new('alice', 1);
  const makeStore = () =>
    stores === 'objects' ? new LibsignalObjectStore() : new LibsignalSerializingStore();
  const aliceStore = makeStore();
  const bobStore = makeStore();
  const skdm = await S.SenderKeyDistributionMessage.create(alice, DIST, aliceStore);
  await S.processSenderKeyDistributionMessage(
    alice,
    S.SenderKeyDistributionMessage.deserialize(skdm.serialize()),
    bobStore,
  );
  const plaintext = Buffer.alloc(PLAINTEXT_LENGTH, 0x61);
  return async () => {
    const message = await S.groupEncrypt(alice, DIST, aliceStore, plaintext);
    await S.groupDecrypt(alice, bobStore, message.serialize());
  };
}

/** Rates of one contender: per wall-clock second, and per CPU-second of this process (stable under outside load). */
export interface SenderKeyRates {
  tacet: number;
  libsignal: number;
  tacetCpu: number;
  libsignalCpu: number;
}

/**
 * Sender-key messages per second (encrypt + decrypt of 140 bytes) for tacet
 * and libsignal: the best of alternating blocks after a warm-up (shared
 * harness, measure.ts). Both sides use the same kind of in-memory store
 * (`stores`, default record objects, as libsignal's own TestStores do).
 *
 * @example
 * const { tacet, libsignal, tacetCpu, libsignalCpu } = await benchSenderKeys();
 * console.log(`sender keys ${(tacetCpu / libsignalCpu).toFixed(2)}x per CPU-second`);
 */
export async function benchSenderKeys(
  options: { durationMs?: number; rounds?: number; stores?: BenchStores } = {},
): Promise<SenderKeyRates> {
  const stores = options.stores ?? 'objects';
  const rates = await compare(
    { tacet: await tacetRoundTrip(stores), libsignal: await libsignalRoundTrip(stores) },
    { durationMs: (options.durationMs ?? 1500) * (options.rounds ?? 3), rounds: options.rounds ?? 3 },
  );
  return {
    tacet: rates.tacet.wall,
    libsignal: rates.libsignal.wall,
    tacetCpu: rates.tacet.cpu,
    libsignalCpu: rates.libsignal.cpu,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const stores of ['objects', 'serialized'] as const) {
    const r = await benchSenderKeys({ stores });
    console.log(
      `sender-key messages/s (${stores} stores): tacet ${r.tacet.toFixed(0)}, libsignal ${r.libsignal.toFixed(0)}, ` +
        `ratio ${(r.tacet / r.libsignal).toFixed(2)}x; per CPU-second ${r.tacetCpu.toFixed(0)} vs ` +
        `${r.libsignalCpu.toFixed(0)}, ratio ${(r.tacetCpu / r.libsignalCpu).toFixed(2)}x`,
    );
  }
}
