/**
 * Kyber1024 r3 keys and KEM against libsignal 0.72.1. libsignal's JS API has
 * no encapsulate/decapsulate, so the KEM is exercised through a real PQXDH
 * session (docs/protocol.md §3, §9):
 * - a tacet-generated Kyber prekey, injected into libsignal-Bob through a
 *   hand-built KyberPreKeyRecord, lets libsignal-Alice encapsulate and
 *   libsignal-Bob decapsulate (our keys are valid round-3 keys);
 * - tacet decapsulates libsignal-Alice's ciphertext and, with the KDFs of
 *   §3/§4, derives message keys whose MAC libsignal's SignalMessage accepts
 *   and which decrypt her first message (our decapsulation matches hers).
 */
import * as S from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/crypto/bytes.js';
import { primitives } from '../../src/crypto/index.js';
import {
  IdentityKeyPair,
  KyberPreKeyRecord,
  kemDecapsulate,
  PrivateKey,
  PublicKey,
} from '../../src/keys/index.js';
import { ProtobufReader } from '../../src/wire/protobuf.js';
import { buf, u8 } from '../support/libsignal-group-stores.js';

const ascii = (s: string) => new TextEncoder().encode(s);

class Sessions extends S.SessionStore {
  private readonly map = new Map<string, Buffer>();
  async saveSession(a: S.ProtocolAddress, r: S.SessionRecord) {
    this.map.set(a.toString(), r.serialize());
  }
  async getSession(a: S.ProtocolAddress) {
    const b = this.map.get(a.toString());
    return b ? S.SessionRecord.deserialize(b) : null;
  }
  async getExistingSessions(): Promise<S.SessionRecord[]> {
    throw new Error('unused');
  }
}

class Identities extends S.IdentityKeyStore {
  constructor(private readonly pair: S.IdentityKeyPair) {
    super();
  }
  async getIdentityKey() {
    return this.pair.privateKey;
  }
  async getLocalRegistrationId() {
    return 42;
  }
  async saveIdentity() {
    return S.IdentityChange.NewOrUnchanged;
  }
  async isTrustedIdentity() {
    return true;
  }
  async getIdentity() {
    return null;
  }
}

class PreKeys extends S.PreKeyStore {
  async savePreKey() {}
  async getPreKey(): Promise<S.PreKeyRecord> {
    throw new Error('no one-time prekeys in this test');
  }
  async removePreKey() {}
}

class SignedPreKeys extends S.SignedPreKeyStore {
  constructor(private readonly rec: S.SignedPreKeyRecord) {
    super();
  }
  async saveSignedPreKey() {}
  async getSignedPreKey() {
    return this.rec;
  }
}

class KyberPreKeys extends S.KyberPreKeyStore {
  constructor(private readonly rec: S.KyberPreKeyRecord) {
    super();
  }
  async saveKyberPreKey() {}
  async getKyberPreKey() {
    return this.rec;
  }
  async markKyberPreKeyUsed() {}
}

/** Fields of a PreKeySignalMessage and its inner SignalMessage (docs/protocol.md §5.2, §5.3). */
function parsePreKeyMessage(bytes: Uint8Array) {
  const fields = new Map<number, Uint8Array>();
  const r = new ProtobufReader(bytes.subarray(1));
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (wireType === 2) fields.set(field, r.bytes());
    else r.skip(wireType);
  }
  const inner = fields.get(4) as Uint8Array;
  const innerFields = new Map<number, Uint8Array>();
  const ir = new ProtobufReader(inner.subarray(1, inner.length - 8));
  while (!ir.done()) {
    const { field, wireType } = ir.tag();
    if (wireType === 2) innerFields.set(field, ir.bytes());
    else ir.skip(wireType);
  }
  return {
    baseKey: PublicKey.deserialize(fields.get(2) as Uint8Array),
    identityKey: PublicKey.deserialize(fields.get(3) as Uint8Array),
    kyberCiphertext: fields.get(8) as Uint8Array,
    inner,
    ratchetKey: PublicKey.deserialize(innerFields.get(1) as Uint8Array),
    ciphertext: innerFields.get(4) as Uint8Array,
  };
}

describe('Kyber1024 r3 interop with libsignal through PQXDH', () => {
  it('libsignal encapsulates to a tacet key, and both libsignal and tacet decapsulate', async () => {
    const bobIdentity = S.IdentityKeyPair.generate();
    const aliceIdentity = S.IdentityKeyPair.generate();
    const spk = S.PrivateKey.generate();
    const spkSig = bobIdentity.privateKey.sign(spk.getPublicKey().serialize());
    const spkRecord = S.SignedPreKeyRecord.new(1, Date.now(), spk.getPublicKey(), spk, spkSig);
    const tacetBob = IdentityKeyPair.deserialize(u8(bobIdentity.serialize()));
    const kyber = KyberPreKeyRecord.generate(7, tacetBob, Date.now());
    const injected = S.KyberPreKeyRecord.deserialize(buf(kyber.serialize()));

    const bob = S.ProtocolAddress.new('bob', 1);
    const alice = S.ProtocolAddress.new('alice', 1);
    const bundle = S.PreKeyBundle.new(
      5,
      1,
      null,
      null,
      1,
      spk.getPublicKey(),
      spkSig,
      bobIdentity.publicKey,
      7,
      injected.publicKey(),
      injected.signature(),
    );
    const aliceSessions = new Sessions();
    const aliceIds = new Identities(aliceIdentity);
    await S.processPreKeyBundle(bundle, bob, aliceSessions, aliceIds);
    const plaintext = ascii('hello through Kyber1024 round 3');
    const sent = await S.signalEncrypt(Buffer.from(plaintext), bob, aliceSessions, aliceIds);
    expect(sent.type()).toBe(S.CiphertextMessageType.PreKey);
    const wire = u8(sent.serialize());

    // libsignal-Bob decapsulates with the tacet secret key.
    const decrypted = await S.signalDecryptPreKey(
      S.PreKeySignalMessage.deserialize(buf(wire)),
      alice,
      new Sessions(),
      new Identities(bobIdentity),
      new PreKeys(),
      new SignedPreKeys(spkRecord),
      new KyberPreKeys(injected),
    );
    expect(u8(decrypted)).toEqual(plaintext);

    // tacet decapsulates libsignal-Alice's ciphertext and derives her message keys.
    const m = parsePreKeyMessage(wire);
    expect(m.kyberCiphertext.length).toBe(1569);
    expect(m.kyberCiphertext[0]).toBe(0x08);
    const ss = kemDecapsulate(kyber.keyPair.secretKey, m.kyberCiphertext);
    const spkPriv = PrivateKey.deserialize(u8(spk.serialize()));
    const secrets = concatBytes(
      new Uint8Array(32).fill(0xff),
      spkPriv.agree(m.identityKey),
      tacetBob.privateKey.agree(m.baseKey),
      spkPriv.agree(m.baseKey),
      ss,
    );
    const rootChain = primitives.hkdfSha256(
      secrets,
      undefined,
      ascii('WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024'),
      64,
    );
    const step = primitives.hkdfSha256(
      spkPriv.agree(m.ratchetKey),
      rootChain.subarray(0, 32),
      ascii('WhisperRatchet'),
      64,
    );
    const seed = primitives.hmacSha256(step.subarray(32), Uint8Array.of(1));
    const keys = primitives.hkdfSha256(seed, undefined, ascii('WhisperMessageKeys'), 80);
    const signalMessage = S.SignalMessage.deserialize(buf(m.inner));
    expect(
      signalMessage.verifyMac(aliceIdentity.publicKey, bobIdentity.publicKey, buf(keys.subarray(32, 64))),
    ).toBe(true);
    expect(primitives.aes256CbcDecrypt(keys.subarray(0, 32), keys.subarray(64, 80), m.ciphertext)).toEqual(
      plaintext,
    );

    // A tampered ciphertext decapsulates to something else, so the MAC would fail.
    const tampered = m.kyberCiphertext.slice();
    tampered[500] = (tampered[500] as number) ^ 1;
    expect(kemDecapsulate(kyber.keyPair.secretKey, tampered)).not.toEqual(ss);
  });
});
