/**
 * The provisioning channel's decoders and cipher (docs/provisioning.md):
 * the link code, sealed slots and the provisioning message accept only their
 * one canonical form and refuse everything else with a typed ClientError;
 * both sides derive the same keys and comparison code, a swapped key does not.
 */
import { IdentityKeyPair, KeyPair, PublicKey } from '@tacet/protocol';
import { formatAccountId, toBase64Url } from '@tacet/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeSignedGroupChange } from '../../src/groups/group-codec.js';
import { encodeGroupRecord } from '../../src/groups/group-record.js';
import { signGroupChange } from '../../src/groups/group-transition.js';
import { ClientError } from '../../src/index.js';
import { decodeLinkCode, encodeLinkCode } from '../../src/linking/link-code.js';
import { channelKeys, openSlot, sealSlot } from '../../src/linking/provisioning-cipher.js';
import {
  decodePayload,
  encodePayload,
  type ProvisioningPayload,
} from '../../src/linking/provisioning-payload.js';
import { toHex } from '../../src/util.js';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof ClientError) return e.code;
    throw e;
  }
  return 'accepted';
};

const channel = crypto.getRandomValues(new Uint8Array(16));

describe('link code', () => {
  it('round-trips and refuses anything but the canonical code', () => {
    const newDeviceKey = KeyPair.generate().publicKey;
    const text = encodeLinkCode({ channel, newDeviceKey });
    expect(text).toHaveLength(66);
    const back = decodeLinkCode(` ${text.slice(0, 30)}\n${text.slice(30)} `);
    expect(back.channel).toEqual(channel);
    expect(back.newDeviceKey.equals(newDeviceKey)).toBe(true);
    expect(code(() => decodeLinkCode(text.slice(0, -1)))).toBe('InvalidLinkCode');
    expect(code(() => decodeLinkCode(`${text}A`))).toBe('InvalidLinkCode');
    expect(code(() => decodeLinkCode(`B${text.slice(1)}`))).toBe('InvalidLinkCode');
    // A non-canonical X25519 key (u ≥ p) is refused, not reduced.
    const bytes = new Uint8Array(49);
    bytes[0] = 1;
    bytes.fill(0xff, 17);
    bytes[48] = 0x7f;
    expect(code(() => decodeLinkCode(toBase64Url(bytes)))).toBe('InvalidLinkCode');
  });
});

describe('channel keys and sealed slots', () => {
  const n = KeyPair.generate();
  const e = KeyPair.generate();
  const onNew = channelKeys(channel, n, e.publicKey, n.publicKey, e.publicKey);
  const onExisting = channelKeys(channel, e, n.publicKey, n.publicKey, e.publicKey);

  it('gives both sides the same keys and code; a relay’s key gives another code', () => {
    expect(onNew.comparison).toBe(onExisting.comparison);
    expect(onNew.comparison).toMatch(/^\d{3} \d{3}$/);
    const relay = KeyPair.generate();
    const swapped = channelKeys(channel, n, relay.publicKey, n.publicKey, relay.publicKey);
    expect(swapped.toNew.enc).not.toEqual(onExisting.toNew.enc);
    const sealed = sealSlot(onExisting.toNew, 3, new Uint8Array([1, 2, 3]));
    expect(code(() => openSlot(swapped.toNew, 3, sealed))).toBe('LinkTampered');
  });

  it('opens only the exact sealed bytes for their slot', () => {
    const plaintext = new TextEncoder().encode('the account');
    const sealed = sealSlot(onExisting.toNew, 3, plaintext);
    expect(openSlot(onNew.toNew, 3, sealed)).toEqual(plaintext);
    expect(code(() => openSlot(onNew.toNew, 2, sealed))).toBe('LinkTampered');
    expect(code(() => openSlot(onNew.toExisting, 3, sealed))).toBe('LinkTampered');
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const t = sealed.slice();
      t[bit >> 3] = (t[bit >> 3] as number) ^ (1 << (bit & 7));
      expect(code(() => openSlot(onNew.toNew, 3, t))).toBe('LinkTampered');
    }
    expect(code(() => openSlot(onNew.toNew, 3, sealed.subarray(0, 48)))).toBe('LinkTampered');
  });
});

describe('provisioning message', () => {
  const identity = KeyPair.generate();
  const payload: ProvisioningPayload = {
    identityKeyPair: new Uint8Array([...identity.publicKey.serialize(), ...identity.privateKey.serialize()]),
    accountId: channel,
    deviceId: 2,
    credential: new Uint8Array(32).fill(7),
    trustRoot: KeyPair.generate().publicKey.serialize(),
    deviceList: new Uint8Array(80).fill(1),
    records: [
      { ns: 'contact', key: 'a', value: new Uint8Array([1]) },
      { ns: 'contact', key: 'b', value: new Uint8Array([2]) },
      { ns: 'self', key: 'device-list:a', value: new Uint8Array([3]) },
    ],
  };

  it('round-trips its canonical form', () => {
    expect(decodePayload(encodePayload(payload))).toEqual(payload);
    expect(PublicKey.deserialize(decodePayload(encodePayload(payload)).trustRoot)).toBeDefined();
  });

  it('refuses records out of order, duplicated, or outside the copied namespaces', () => {
    const swap = { ...payload, records: [payload.records[1], payload.records[0]] } as ProvisioningPayload;
    expect(code(() => decodePayload(encodePayload(swap)))).toBe('LinkTampered');
    const twice = { ...payload, records: [payload.records[0], payload.records[0]] } as ProvisioningPayload;
    expect(code(() => decodePayload(encodePayload(twice)))).toBe('LinkTampered');
    for (const r of [
      { ns: 'session', key: 'x', value: new Uint8Array(1) },
      { ns: 'self', key: 'identity-key-pair', value: new Uint8Array(1) },
    ]) {
      const foreign = { ...payload, records: [r] };
      expect(code(() => decodePayload(encodePayload(foreign)))).toBe('LinkTampered');
    }
    expect(code(() => decodePayload(encodePayload({ ...payload, deviceId: 1 })))).toBe('LinkTampered');
  });

  it('carries a group the new device can rebuild, and refuses one it cannot', () => {
    const groupId = new Uint8Array(32).fill(9);
    const admin = IdentityKeyPair.generate();
    const me = formatAccountId(channel);
    const signed = signGroupChange(undefined, groupId, me, admin.privateKey, {
      type: 'create',
      name: 'desk',
      members: [{ accountId: me, identityKey: admin.publicKey.serialize() }],
      admins: [me],
      timerSeconds: 0,
    });
    const record = (changes: Uint8Array[], id = groupId) =>
      encodeGroupRecord({ groupId: id, changes, distributionId: crypto.randomUUID(), distributed: {} });
    const good = record([encodeSignedGroupChange(signed)]);
    const withGroup = (key: string, value: Uint8Array): ProvisioningPayload => ({
      ...payload,
      records: [
        payload.records[0],
        payload.records[1],
        { ns: 'group', key, value },
        payload.records[2],
      ].filter((r) => r !== undefined),
    });
    const ok = withGroup(toHex(groupId), good);
    expect(decodePayload(encodePayload(ok))).toEqual(ok);
    // Stored under another group's id, no change that leads to a state, a forged signature, garbage.
    const forged = encodeSignedGroupChange({ ...signed, signature: new Uint8Array(64) });
    for (const [key, value] of [
      [toHex(new Uint8Array(32)), good],
      [toHex(groupId), record([])],
      [toHex(groupId), record([forged])],
      [toHex(groupId), new Uint8Array([1, 2, 3])],
    ] as const)
      expect(code(() => decodePayload(encodePayload(withGroup(key, value))))).toBe('LinkTampered');
  });

  it('refuses every truncation, trailing bytes, and random bytes with a typed error', () => {
    const bytes = encodePayload(payload);
    for (let i = 0; i < bytes.length; i++)
      expect(code(() => decodePayload(bytes.subarray(0, i)))).toBe('LinkTampered');
    expect(code(() => decodePayload(new Uint8Array([...bytes, 0])))).toBe('LinkTampered');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
        const c = code(() => decodePayload(b));
        return c === 'LinkTampered' || c === 'accepted';
      }),
      { numRuns: 2000 },
    );
  });
});
