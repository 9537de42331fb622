/**
 * Sender keys against @signalapp/libsignal-client 0.72.1, both directions
 * (docs/protocol.md §6, §9 (c)): distribution message, then 100 group messages delivered
 * out of order with losses and duplicates; tampered signatures are refused
 * by both sides.
 */
import * as S from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import {
  groupDecrypt,
  groupEncrypt,
  InMemorySenderKeyStore,
  processSenderKeyDistributionMessage,
  SenderKeyDistributionMessage,
  SenderKeyMessage,
} from '../../src/group/index.js';
import { KeyPair } from '../../src/keys/index.js';
import { hostileSchedule } from '../support/delivery-schedule.js';
import { addresses, buf, LibsignalSenderKeyStore, u8 } from '../support/libsignal-group-stores.js';

const DIST = '8c2f3a51-7d0e-4b9a-a1c6-5e4f3d2b1a09';
const text = (i: number) => new TextEncoder().encode(`group message ${i} ${'x'.repeat(i % 40)}`);

async function expectProtocolError(p: Promise<unknown>, code: string): Promise<void> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProtocolError);
  expect((error as ProtocolError).code).toBe(code);
}

describe('libsignal sends, tacet receives', () => {
  it('decrypts 100 messages out of order, losing some and refusing duplicates', async () => {
    const alice = addresses('alice-aci', 1);
    const aliceStore = new LibsignalSenderKeyStore();
    const skdm = await S.SenderKeyDistributionMessage.create(alice.lib, DIST, aliceStore);
    const tacetSkdm = SenderKeyDistributionMessage.deserialize(u8(skdm.serialize()));
    expect(tacetSkdm.serialize()).toEqual(u8(skdm.serialize()));
    expect(tacetSkdm.chainId).toBe(skdm.chainId());

    const bobStore = new InMemorySenderKeyStore();
    await processSenderKeyDistributionMessage(alice.tacet, tacetSkdm, bobStore);
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 100; i++)
      sent.push(u8((await S.groupEncrypt(alice.lib, DIST, aliceStore, buf(text(i)))).serialize()));

    let decrypted = 0;
    for (const { index, duplicate } of hostileSchedule(100, 7)) {
      const attempt = groupDecrypt(alice.tacet, bobStore, sent[index] as Uint8Array);
      if (duplicate) await expectProtocolError(attempt, 'DuplicatedMessage');
      else {
        expect(await attempt).toEqual(text(index));
        decrypted++;
      }
    }
    expect(decrypted).toBeGreaterThan(70);
  });

  it('encodes a SenderKeyMessage body byte for byte as libsignal does', async () => {
    const alice = addresses('alice-aci', 6);
    const aliceStore = new LibsignalSenderKeyStore();
    await S.SenderKeyDistributionMessage.create(alice.lib, DIST, aliceStore);
    for (const length of [0, 15, 16, 200]) {
      const lib = u8(
        (await S.groupEncrypt(alice.lib, DIST, aliceStore, buf(new Uint8Array(length)))).serialize(),
      );
      const parsed = SenderKeyMessage.deserialize(lib);
      const ours = SenderKeyMessage.create(
        {
          distributionId: parsed.distributionId,
          chainId: parsed.chainId,
          iteration: parsed.iteration,
          ciphertext: parsed.ciphertext,
        },
        KeyPair.generate().privateKey,
      ).serialize();
      expect(ours.length).toBe(lib.length);
      expect(ours.subarray(0, -64)).toEqual(lib.subarray(0, -64));
    }
  });

  it('refuses a libsignal message whose signature or body was tampered with', async () => {
    const alice = addresses('alice-aci', 2);
    const aliceStore = new LibsignalSenderKeyStore();
    const skdm = await S.SenderKeyDistributionMessage.create(alice.lib, DIST, aliceStore);
    const bobStore = new InMemorySenderKeyStore();
    await processSenderKeyDistributionMessage(
      alice.tacet,
      SenderKeyDistributionMessage.deserialize(u8(skdm.serialize())),
      bobStore,
    );
    const good = u8((await S.groupEncrypt(alice.lib, DIST, aliceStore, buf(text(1)))).serialize());
    for (const position of [good.length - 1, good.length - 40, good.length - 70, 30]) {
      const bad = good.slice();
      bad[position] = (bad[position] as number) ^ 0x01;
      await expect(groupDecrypt(alice.tacet, bobStore, bad)).rejects.toBeInstanceOf(ProtocolError);
    }
    const sigFlip = good.slice();
    sigFlip[good.length - 10] = (sigFlip[good.length - 10] as number) ^ 0x80;
    await expectProtocolError(groupDecrypt(alice.tacet, bobStore, sigFlip), 'InvalidSignature');
    // the refused attempts consumed nothing: the genuine message still decrypts once
    expect(await groupDecrypt(alice.tacet, bobStore, good)).toEqual(text(1));
    await expectProtocolError(groupDecrypt(alice.tacet, bobStore, good), 'DuplicatedMessage');
  });
});

describe('tacet sends, libsignal receives', () => {
  it('libsignal decrypts 100 tacet messages out of order and flags duplicates', async () => {
    const alice = addresses('alice-aci', 3);
    const aliceStore = new InMemorySenderKeyStore();
    const skdm = await SenderKeyDistributionMessage.create(alice.tacet, DIST, aliceStore);
    const libSkdm = S.SenderKeyDistributionMessage.deserialize(buf(skdm.serialize()));
    expect(u8(libSkdm.serialize())).toEqual(skdm.serialize());
    expect(libSkdm.chainId()).toBe(skdm.chainId);
    expect(skdm.chainId).toBeLessThan(2 ** 31);

    const bobStore = new LibsignalSenderKeyStore();
    await S.processSenderKeyDistributionMessage(alice.lib, libSkdm, bobStore);
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 100; i++)
      sent.push((await groupEncrypt(alice.tacet, DIST, aliceStore, text(i))).serialize());

    for (const { index, duplicate } of hostileSchedule(100, 11)) {
      const attempt = S.groupDecrypt(alice.lib, bobStore, buf(sent[index] as Uint8Array));
      if (duplicate) {
        await expect(attempt).rejects.toMatchObject({ code: S.ErrorCode.DuplicatedMessage });
      } else expect(u8(await attempt)).toEqual(text(index));
    }
  });

  it('libsignal refuses a tacet message with a flipped signature bit', async () => {
    const alice = addresses('alice-aci', 4);
    const aliceStore = new InMemorySenderKeyStore();
    const skdm = await SenderKeyDistributionMessage.create(alice.tacet, DIST, aliceStore);
    const bobStore = new LibsignalSenderKeyStore();
    await S.processSenderKeyDistributionMessage(
      alice.lib,
      S.SenderKeyDistributionMessage.deserialize(buf(skdm.serialize())),
      bobStore,
    );
    const good = (await groupEncrypt(alice.tacet, DIST, aliceStore, text(2))).serialize();
    const bad = good.slice();
    bad[good.length - 5] = (bad[good.length - 5] as number) ^ 0x04;
    await expect(S.groupDecrypt(alice.lib, bobStore, buf(bad))).rejects.toThrow(/signature/);
    expect(u8(await S.groupDecrypt(alice.lib, bobStore, buf(good)))).toEqual(text(2));
  });

  it('a later SKDM carries the current iteration, so a late joiner reads only new messages', async () => {
    const alice = addresses('alice-aci', 5);
    const aliceStore = new InMemorySenderKeyStore();
    await SenderKeyDistributionMessage.create(alice.tacet, DIST, aliceStore);
    const early = (await groupEncrypt(alice.tacet, DIST, aliceStore, text(0))).serialize();
    const late = await SenderKeyDistributionMessage.create(alice.tacet, DIST, aliceStore);
    expect(late.iteration).toBe(1);
    const bobStore = new LibsignalSenderKeyStore();
    await S.processSenderKeyDistributionMessage(
      alice.lib,
      S.SenderKeyDistributionMessage.deserialize(buf(late.serialize())),
      bobStore,
    );
    const next = (await groupEncrypt(alice.tacet, DIST, aliceStore, text(1))).serialize();
    expect(u8(await S.groupDecrypt(alice.lib, bobStore, buf(next)))).toEqual(text(1));
    await expect(S.groupDecrypt(alice.lib, bobStore, buf(early))).rejects.toMatchObject({
      code: S.ErrorCode.DuplicatedMessage,
    });
  });
});
