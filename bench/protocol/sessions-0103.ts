/**
 * libsignal-client 0.103 contenders for the 1:1 benchmarks (SPQR on every
 * session, as 0.103 requires): session setup and 140-byte messages, one
 * direction and alternating, with in-memory stores keeping record objects
 * like the tacet side's.
 */
import * as L from 'libsignal-client-0103';
import { Party0103 } from '../../packages/protocol/test/support/libsignal-0103.js';
import type { Op } from './measure.js';
import { PLAINTEXT_LENGTH } from './sessions.js';

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

export async function libsignal0103Messages(alternate: boolean): Promise<Op> {
  const alice = new Party0103('alice');
  const bob = new Party0103('bob');
  await alice.startSession(await bob.bundle({ oneTime: false }), bob.address);
  const first = await alice.encrypt(plaintext, bob.address);
  await bob.decrypt(first.type(), first.serialize(), alice.address);
  const reply = await bob.encrypt(plaintext, alice.address);
  await alice.decrypt(reply.type(), reply.serialize(), bob.address);
  let turn = 0;
  return async () => {
    const [from, to] = alternate && turn++ % 2 === 1 ? [bob, alice] : [alice, bob];
    const message = await from.encrypt(plaintext, to.address);
    await L.signalDecrypt(
      L.SignalMessage.deserialize(message.serialize()),
      from.address,
      to.address,
      to.sessions,
      to.identities,
    );
  };
}
