/**
 * libsignal-client 0.103 contenders for the 1:1 benchmarks (SPQR on every
 * session, as 0.103 requires): session setup and 140-byte messages, one
 * direction and alternating, with in-memory stores keeping record objects
 * like the tacet side's.
 */
import * as L from 'libsignal-client-0103';
import { ab, Party0103 } from '../../packages/protocol/test/support/libsignal-0103.js';
import type { Op } from './measure.js';
import { isReply, PLAINTEXT_LENGTH, type Turns } from './sessions.js';

const plaintext = new Uint8Array(PLAINTEXT_LENGTH).fill(0x61);

export async function libsignal0103SessionSetup(): Promise<Op> {
  const bob = new Party0103('bob');
  const bundle = await bob.bundle({ oneTime: false });
  let n = 0;
  return async () => {
    const alice = new Party0103(`alice-${n++}`);
    await alice.startSession(bundle, bob.address);
    const first = await alice.encrypt(plaintext, bob.address);
    await bob.decrypt(first.type(), first.serialize(), alice.address);
  };
}

/** 0.103's store keeping serialized records, as database-backed ones do. */
class BytesSessionStore0103 extends L.SessionStore {
  private readonly records = new Map<string, Uint8Array>();
  constructor(from: Map<string, L.SessionRecord>) {
    super();
    for (const [k, r] of from) this.records.set(k, r.serialize());
  }
  async saveSession(name: L.ProtocolAddress, record: L.SessionRecord): Promise<void> {
    this.records.set(name.toString(), record.serialize());
  }
  async getSession(name: L.ProtocolAddress): Promise<L.SessionRecord | null> {
    const bytes = this.records.get(name.toString());
    return bytes === undefined ? null : L.SessionRecord.deserialize(ab(bytes));
  }
  async getExistingSessions(): Promise<L.SessionRecord[]> {
    return [];
  }
}

/** Ends take `turns`; `serialized` makes both session stores keep bytes, so every message re-reads its SPQR state. */
export async function libsignal0103Messages(turns: Turns, serialized = false): Promise<Op> {
  const alice = new Party0103('alice');
  const bob = new Party0103('bob');
  await alice.startSession(await bob.bundle({ oneTime: false }), bob.address);
  const first = await alice.encrypt(plaintext, bob.address);
  await bob.decrypt(first.type(), first.serialize(), alice.address);
  const reply = await bob.encrypt(plaintext, alice.address);
  await alice.decrypt(reply.type(), reply.serialize(), bob.address);
  const end = (p: Party0103) => ({
    address: p.address,
    identities: p.identities,
    sessions: serialized ? new BytesSessionStore0103(p.sessions.records) : p.sessions,
  });
  const [a, b] = [end(alice), end(bob)];
  let turn = 0;
  return async () => {
    const [from, to] = isReply(turns, turn++) ? [b, a] : [a, b];
    const message = await L.signalEncrypt(
      plaintext,
      to.address,
      from.address,
      from.sessions,
      from.identities,
    );
    await L.signalDecrypt(
      L.SignalMessage.deserialize(message.serialize()),
      from.address,
      to.address,
      to.sessions,
      to.identities,
    );
  };
}
