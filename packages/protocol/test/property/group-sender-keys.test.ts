/**
 * Behaviour of sender-key chains a group member relies on: any delivery
 * order decrypts every message exactly once, limits match libsignal
 * (docs/protocol.md §4.5, §6), failures leave the stored chain untouched, and record
 * rules (no rewind, replacement, at most 5 states) hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import {
  groupDecrypt,
  groupEncrypt,
  InMemorySenderKeyStore,
  processSenderKeyDistributionMessage,
  SenderKeyDistributionMessage,
  SenderKeyRecord,
} from '../../src/group/index.js';
import { KeyPair } from '../../src/keys/index.js';
import { ProtocolAddress } from '../../src/session/index.js';
import { ALICE, DIST, groupPair, messageAt } from '../support/group-helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return e.code;
  }
}

describe('delivery order', () => {
  it('any permutation with duplicates decrypts each message once and flags the copies', async () => {
    const { aliceStore, bobStore } = await groupPair();
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 12; i++)
      sent.push((await groupEncrypt(ALICE, DIST, aliceStore, enc(`m${i}`))).serialize());
    const snapshot = (await bobStore.getSenderKey(ALICE, DIST))?.serialize() as Uint8Array;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 11 }), { minLength: 1, maxLength: 24 }), async (order) => {
        const store = new InMemorySenderKeyStore();
        await store.saveSenderKey(ALICE, DIST, SenderKeyRecord.deserialize(snapshot));
        const seen = new Set<number>();
        for (const i of order) {
          const result = groupDecrypt(ALICE, store, sent[i] as Uint8Array);
          if (seen.has(i)) expect(await codeOf(result)).toBe('DuplicatedMessage');
          else expect(await result).toEqual(enc(`m${i}`));
          seen.add(i);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('concurrent calls', () => {
  it('never encrypts two messages with the same iteration, even when called in parallel', async () => {
    const { aliceStore, bobStore } = await groupPair();
    const sent = await Promise.all(
      Array.from({ length: 16 }, (_, i) => groupEncrypt(ALICE, DIST, aliceStore, enc(`p${i}`))),
    );
    expect(new Set(sent.map((m) => m.iteration)).size).toBe(16);
    const opened = await Promise.all(sent.map((m) => groupDecrypt(ALICE, bobStore, m.serialize())));
    expect(opened).toEqual(sent.map((_, i) => enc(`p${i}`)));
    // and the parallel decryptions all landed: each is now a duplicate
    expect(
      await codeOf(groupDecrypt(ALICE, bobStore, (sent[7] as { serialize(): Uint8Array }).serialize())),
    ).toBe('DuplicatedMessage');
  });
});

describe('limits (docs/protocol.md §4.5)', () => {
  it('accepts a jump of 25 000 and refuses 25 001', async () => {
    const { aliceStore, bobStore, skdm } = await groupPair();
    expect(
      await codeOf(groupDecrypt(ALICE, bobStore, await messageAt(aliceStore, skdm, 25_001, enc('far')))),
    ).toBe('InvalidMessage');
    expect(
      await groupDecrypt(ALICE, bobStore, await messageAt(aliceStore, skdm, 25_000, enc('edge'))),
    ).toEqual(enc('edge'));
  });

  it('keeps the newest 2 000 skipped keys: 23 000 decrypts, 22 999 is "old"', async () => {
    const { aliceStore, bobStore, skdm } = await groupPair();
    await groupDecrypt(ALICE, bobStore, await messageAt(aliceStore, skdm, 25_000, enc('jump')));
    expect(
      await groupDecrypt(ALICE, bobStore, await messageAt(aliceStore, skdm, 23_000, enc('kept'))),
    ).toEqual(enc('kept'));
    const dropped = await messageAt(aliceStore, skdm, 22_999, enc('dropped'));
    expect(await codeOf(groupDecrypt(ALICE, bobStore, dropped))).toBe('DuplicatedMessage');
  });

  it('a hostile iteration of 2^32 − 1 costs bounded work and is refused', async () => {
    const { aliceStore, bobStore, skdm } = await groupPair();
    const record = await aliceStore.getSenderKey(ALICE, DIST);
    const state = record?.currentState();
    if (state?.signingPrivateKey === undefined) throw new Error('no chain');
    const { SenderKeyMessage } = await import('../../src/group/index.js');
    const hostile = SenderKeyMessage.create(
      { distributionId: DIST, chainId: skdm.chainId, iteration: 0xffffffff, ciphertext: new Uint8Array(16) },
      state.signingPrivateKey,
    ).serialize();
    const started = performance.now();
    expect(await codeOf(groupDecrypt(ALICE, bobStore, hostile))).toBe('InvalidMessage');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('failures change nothing', () => {
  it('a validly signed message with a bad ciphertext is refused and consumes no key', async () => {
    const { aliceStore, bobStore, skdm } = await groupPair();
    const before = (await bobStore.getSenderKey(ALICE, DIST))?.serialize();
    const garbage = await messageAt(aliceStore, skdm, 3, enc(''), new Uint8Array(17));
    expect(await codeOf(groupDecrypt(ALICE, bobStore, garbage))).toBe('InvalidMessage');
    expect((await bobStore.getSenderKey(ALICE, DIST))?.serialize()).toEqual(before);
    expect(await groupDecrypt(ALICE, bobStore, await messageAt(aliceStore, skdm, 3, enc('real')))).toEqual(
      enc('real'),
    );
  });

  it('refuses unknown distribution ids, unknown chains, foreign versions and a missing own chain', async () => {
    const { aliceStore, bobStore } = await groupPair();
    const message = (await groupEncrypt(ALICE, DIST, aliceStore, enc('hi'))).serialize();
    expect(await codeOf(groupDecrypt(ProtocolAddress.new('mallory', 1), bobStore, message))).toBe(
      'NoSession',
    );
    const other = await SenderKeyDistributionMessage.create(ALICE, DIST, new InMemorySenderKeyStore());
    const strangerStore = new InMemorySenderKeyStore();
    await processSenderKeyDistributionMessage(ALICE, other, strangerStore);
    expect(await codeOf(groupDecrypt(ALICE, strangerStore, message))).toBe('NoSession');
    expect(await codeOf(groupDecrypt(ALICE, bobStore, Uint8Array.of(0x23, ...message.subarray(1))))).toBe(
      'LegacyMessage',
    );
    expect(await codeOf(groupDecrypt(ALICE, bobStore, Uint8Array.of(0x43, ...message.subarray(1))))).toBe(
      'UnsupportedVersion',
    );
    expect(await codeOf(groupEncrypt(ALICE, DIST, bobStore, enc('x')))).toBe('InvalidSenderKeySession');
    expect(await codeOf(groupEncrypt(ProtocolAddress.new('bob', 1), DIST, bobStore, enc('x')))).toBe(
      'NoSession',
    );
    expect(await groupDecrypt(ALICE, bobStore, message)).toEqual(enc('hi'));
  });
});

describe('record rules (docs/protocol.md §6)', () => {
  it('treats upper- and lower-case spellings of a distribution id as one chain', async () => {
    const { aliceStore, bobStore } = await groupPair();
    const upper = DIST.toUpperCase();
    const again = await SenderKeyDistributionMessage.create(ALICE, upper, aliceStore);
    expect(again.distributionId).toBe(DIST);
    const message = (await groupEncrypt(ALICE, upper, aliceStore, enc('caps'))).serialize();
    expect(await groupDecrypt(ALICE, bobStore, message)).toEqual(enc('caps'));
    await expect(groupEncrypt(ALICE, 'not-a-uuid', aliceStore, enc('x'))).rejects.toBeInstanceOf(TypeError);
  });

  it('a replayed SKDM does not rewind the chain', async () => {
    const { aliceStore, bobStore, skdm } = await groupPair();
    const first = (await groupEncrypt(ALICE, DIST, aliceStore, enc('one'))).serialize();
    await groupDecrypt(ALICE, bobStore, first);
    await processSenderKeyDistributionMessage(ALICE, skdm, bobStore);
    expect(await codeOf(groupDecrypt(ALICE, bobStore, first))).toBe('DuplicatedMessage');
  });

  it('the same chain id with another signing key replaces the state; at most 5 states are kept', async () => {
    const bobStore = new InMemorySenderKeyStore();
    const chainKey = new Uint8Array(32).fill(7);
    const skdmWith = (chainId: number, key = KeyPair.generate().publicKey) =>
      SenderKeyDistributionMessage.fromFields({
        distributionId: DIST,
        chainId,
        iteration: 0,
        chainKey,
        signingKey: key,
      });
    await processSenderKeyDistributionMessage(ALICE, skdmWith(1), bobStore);
    const replacement = KeyPair.generate().publicKey;
    await processSenderKeyDistributionMessage(ALICE, skdmWith(1, replacement), bobStore);
    let record = (await bobStore.getSenderKey(ALICE, DIST)) as SenderKeyRecord;
    expect(record.states.length).toBe(1);
    expect(record.stateForChainId(1)?.signingKey.equals(replacement)).toBe(true);
    for (let id = 2; id <= 7; id++) await processSenderKeyDistributionMessage(ALICE, skdmWith(id), bobStore);
    record = (await bobStore.getSenderKey(ALICE, DIST)) as SenderKeyRecord;
    expect(record.states.map((s) => s.chainId)).toEqual([7, 6, 5, 4, 3]);
  });

  it('reloading a stored record reuses its key objects (so backend key handles stay cached)', async () => {
    const { aliceStore } = await groupPair();
    const first = (await aliceStore.getSenderKey(ALICE, DIST))?.currentState();
    const second = (await aliceStore.getSenderKey(ALICE, DIST))?.currentState();
    expect(second?.signingKey).toBe(first?.signingKey);
    expect(second?.signingPrivateKey).toBe(first?.signingPrivateKey);
    // a different private key under the same public key is never served from the cache
    const tampered = (await aliceStore.getSenderKey(ALICE, DIST)) as SenderKeyRecord;
    const bytes = tampered.serialize();
    const priv = first?.signingPrivateKey?.serialize() as Uint8Array;
    const index = findSubarray(bytes, priv);
    bytes[index + 5] = (bytes[index + 5] as number) ^ 0x10;
    const reloaded = SenderKeyRecord.deserialize(bytes).currentState();
    expect(reloaded?.signingPrivateKey).not.toBe(first?.signingPrivateKey);
    expect(reloaded?.signingPrivateKey?.serialize()).not.toEqual(priv);
  });

  it('round-trips a record with skipped keys through storage', async () => {
    const { aliceStore, bobStore, skdm } = await groupPair();
    await groupDecrypt(ALICE, bobStore, await messageAt(aliceStore, skdm, 10, enc('ten')));
    const record = (await bobStore.getSenderKey(ALICE, DIST)) as SenderKeyRecord;
    expect([...(record.currentState()?.skipped.keys() ?? [])]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(SenderKeyRecord.deserialize(record.serialize()).serialize()).toEqual(record.serialize());
    expect(await groupDecrypt(ALICE, bobStore, await messageAt(aliceStore, skdm, 4, enc('four')))).toEqual(
      enc('four'),
    );
  });
});

function findSubarray(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('not found');
}
