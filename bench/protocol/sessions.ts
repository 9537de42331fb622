/**
 * 1:1 session benchmarks, tacet vs libsignal with equivalent in-memory
 * stores (both keep record objects, like libsignal's TestStores): session
 * setup (bundle -> first message -> decrypt) and 140-byte messages, one
 * direction and alternating (a DH ratchet step every message). `classic`
 * runs tacet without SPQR, the protocol libsignal 0.72.1 speaks; the
 * libsignal 0.103 contenders (SPQR on both sides) are in sessions-0103.ts.
 */
import * as S from '@signalapp/libsignal-client';
import {
  IdentityKeyPair,
  type PreKeyBundle,
  ProtocolAddress,
  processPreKeyBundle,
  SessionRecord,
  type SessionStore,
  type SessionStores,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
} from '../../packages/protocol/src/index.js';
import { createInMemoryStores } from '../../packages/protocol/test/support/in-memory-stores.js';
import { LibsignalParty } from '../../packages/protocol/test/support/libsignal-stores.js';
import { createTacetParty } from '../../packages/protocol/test/support/tacet-party.js';
import type { Op } from './measure.js';

export const PLAINTEXT_LENGTH = 140;
const plaintext = new Uint8Array(PLAINTEXT_LENGTH).fill(0x61);
const plaintextBuffer = Buffer.alloc(PLAINTEXT_LENGTH, 0x61);

/** Session setup: a new initiator each time, against one responder with a last-resort Kyber key. */
export async function tacetSessionSetup(classic = false): Promise<Op> {
  const bob = createTacetParty('bob');
  if (classic) bob.stores.legacyClassicRatchet = true;
  const bundle: PreKeyBundle = await bob.bundle({ oneTime: false });
  let n = 0;
  return async () => {
    const address = ProtocolAddress.new(`alice-${n++}`, 1);
    const alice = createInMemoryStores(IdentityKeyPair.generate(), 1234);
    if (classic) alice.legacyClassicRatchet = true;
    await processPreKeyBundle(bundle, bob.address, alice, Date.now());
    const first = await signalEncrypt(plaintext, bob.address, alice, Date.now());
    await signalDecryptPreKey(first.serialize(), address, bob.stores);
  };
}

export async function libsignalSessionSetup(): Promise<Op> {
  const bob = new LibsignalParty('bob');
  const bundle = await bob.bundle({ oneTime: false });
  let n = 0;
  return async () => {
    const alice = new LibsignalParty(`alice-${n++}`);
    await S.processPreKeyBundle(bundle, bob.address, alice.sessions, alice.identities);
    const first = await alice.encrypt(plaintext, bob.address);
    await bob.decrypt(first.type(), first.serialize(), alice.address);
  };
}

/** Two tacet devices with an acknowledged session. */
async function tacetPair(classic: boolean) {
  const alice = createTacetParty('alice');
  const bob = createTacetParty('bob');
  if (classic) {
    alice.stores.legacyClassicRatchet = true;
    bob.stores.legacyClassicRatchet = true;
  }
  await processPreKeyBundle(await bob.bundle({ oneTime: false }), bob.address, alice.stores, Date.now());
  await signalDecryptPreKey(
    (await signalEncrypt(plaintext, bob.address, alice.stores)).serialize(),
    alice.address,
    bob.stores,
  );
  await signalDecrypt(
    (await signalEncrypt(plaintext, alice.address, bob.stores)).serialize(),
    bob.address,
    alice.stores,
  );
  return { alice, bob };
}

async function libsignalPair() {
  const alice = new LibsignalParty('alice');
  const bob = new LibsignalParty('bob');
  await S.processPreKeyBundle(
    await bob.bundle({ oneTime: false }),
    bob.address,
    alice.sessions,
    alice.identities,
  );
  const first = await alice.encrypt(plaintext, bob.address);
  await bob.decrypt(first.type(), first.serialize(), alice.address);
  const reply = await bob.encrypt(plaintext, alice.address);
  await alice.decrypt(reply.type(), reply.serialize(), bob.address);
  return { alice, bob };
}

/** tacet's session store keeping serialized records, as a database-backed store does. */
class BytesSessionStore implements SessionStore {
  private readonly records = new Map<string, Uint8Array>();
  constructor(from: Map<string, SessionRecord>) {
    for (const [k, r] of from) this.records.set(k, r.serialize());
  }
  async getSession(address: ProtocolAddress): Promise<SessionRecord | null> {
    const bytes = this.records.get(address.toString());
    return bytes === undefined ? null : SessionRecord.deserialize(bytes);
  }
  async saveSession(address: ProtocolAddress, record: SessionRecord): Promise<void> {
    this.records.set(address.toString(), record.serialize());
  }
}

/** libsignal's store keeping serialized records. */
class LibsignalBytesSessionStore extends S.SessionStore {
  private readonly records = new Map<string, Uint8Array>();
  constructor(from: Map<string, S.SessionRecord>) {
    super();
    for (const [k, r] of from) this.records.set(k, r.serialize());
  }
  async saveSession(name: S.ProtocolAddress, record: S.SessionRecord): Promise<void> {
    this.records.set(name.toString(), record.serialize());
  }
  async getSession(name: S.ProtocolAddress): Promise<S.SessionRecord | null> {
    const bytes = this.records.get(name.toString());
    return bytes === undefined ? null : S.SessionRecord.deserialize(Buffer.from(bytes));
  }
  async getExistingSessions(): Promise<S.SessionRecord[]> {
    return [];
  }
}

/**
 * `true` swaps ends every message, `false` never, a number n lets the other
 * end reply once every n messages (a mostly one-way conversation).
 */
export type Turns = boolean | number;

/** Whether message number `turn` (from 0) goes the other way under `turns`. */
export function isReply(turns: Turns, turn: number): boolean {
  const every = turns === true ? 2 : turns === false ? 0 : turns;
  return every > 0 && turn % every === every - 1;
}

/**
 * One message: encrypt at one end, decrypt at the other, the ends taking
 * `turns`; `serialized` makes both session stores keep bytes.
 */
export async function tacetMessages(turns: Turns, serialized = false, classic = false): Promise<Op> {
  const pair = await tacetPair(classic);
  const end = (p: typeof pair.alice): TacetEnd => ({
    address: p.address,
    stores: serialized
      ? { ...p.stores, sessions: new BytesSessionStore(p.stores.sessions.records) }
      : p.stores,
  });
  const alice = end(pair.alice);
  const bob = end(pair.bob);
  let turn = 0;
  return async () => {
    const [from, to] = isReply(turns, turn++) ? [bob, alice] : [alice, bob];
    const message = await signalEncrypt(plaintext, to.address, from.stores, Date.now());
    await signalDecrypt(message.serialize(), from.address, to.stores);
  };
}

interface TacetEnd {
  address: ProtocolAddress;
  stores: SessionStores;
}

export async function libsignalMessages(alternate: boolean, serialized = false): Promise<Op> {
  const pair = await libsignalPair();
  const end = (p: typeof pair.alice) => ({
    address: p.address,
    identities: p.identities,
    sessions: serialized ? new LibsignalBytesSessionStore(p.sessions.records) : p.sessions,
  });
  const alice = end(pair.alice);
  const bob = end(pair.bob);
  let turn = 0;
  return async () => {
    const [from, to] = alternate && turn++ % 2 === 1 ? [bob, alice] : [alice, bob];
    const message = await S.signalEncrypt(plaintextBuffer, to.address, from.sessions, from.identities);
    await S.signalDecrypt(
      S.SignalMessage.deserialize(message.serialize()),
      from.address,
      to.sessions,
      to.identities,
    );
  };
}
