/**
 * Prekey records in libsignal's storage layout (storage.proto), so a record
 * written by either implementation reads in the other:
 * - PreKeyRecord: `{1 id, 2 public (33), 3 private (32)}`;
 * - SignedPreKeyRecord and KyberPreKeyRecord: `{1 id, 2 public, 3 private,
 *   4 signature, 5 timestamp fixed64}` (docs/protocol.md §9), with
 *   the KEM keys in their typed forms (1569 / 3169 bytes).
 * The schema is proto3: zero ids, timestamps and empty signatures are left
 * out when writing and read back as defaults, exactly as libsignal does.
 */
import { ProtocolError } from '../errors.js';
import { ProtobufReader, ProtobufWriter, WireType } from '../wire/protobuf.js';
import type { IdentityKeyPair } from './identity-key-pair.js';
import { KEM_TYPE_KYBER1024, KEMKeyPair, KEMPublicKey, KEMSecretKey, type KemType } from './kem-keys.js';
import { KeyPair, PrivateKey } from './private-key.js';
import { PublicKey } from './public-key.js';

interface RecordFields {
  id?: number;
  publicKey?: Uint8Array;
  privateKey?: Uint8Array;
  signature?: Uint8Array;
  timestamp?: number;
}

/** Reads the shared record layout; unknown fields are skipped as protobuf requires. */
function readRecord(bytes: Uint8Array, what: string): RecordFields {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what}.deserialize: bytes must be a Uint8Array`);
  const r = new ProtobufReader(bytes);
  const out: RecordFields = {};
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === WireType.Varint) out.id = r.uint32();
    else if (field === 2 && wireType === WireType.LengthDelimited) out.publicKey = r.bytes();
    else if (field === 3 && wireType === WireType.LengthDelimited) out.privateKey = r.bytes();
    else if (field === 4 && wireType === WireType.LengthDelimited) out.signature = r.bytes().slice();
    else if (field === 5 && wireType === WireType.Fixed64) out.timestamp = timestampNumber(r.fixed64());
    else r.skip(wireType);
  }
  return out;
}

function timestampNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ProtocolError('InvalidMessage', 'timestamp out of range');
  return Number(value);
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new ProtocolError('InvalidMessage', `${what}: missing field`);
  return value;
}

function writeRecord(
  id: number,
  pub: Uint8Array,
  priv: Uint8Array,
  signature?: Uint8Array,
  timestamp?: number,
) {
  const w = new ProtobufWriter();
  if (id !== 0) w.uint32(1, id);
  w.bytes(2, pub).bytes(3, priv);
  if (signature !== undefined && signature.length > 0) w.bytes(4, signature);
  if (timestamp !== undefined && timestamp !== 0) w.fixed64(5, BigInt(timestamp));
  priv.fill(0);
  return w.finish();
}

/**
 * A one-time EC prekey.
 *
 * @example
 * const record = PreKeyRecord.generate(42);
 * await preKeyStore.savePreKey(42, record.serialize());
 */
export class PreKeyRecord {
  constructor(
    readonly id: number,
    readonly keyPair: KeyPair,
  ) {}

  static generate(id: number): PreKeyRecord {
    return new PreKeyRecord(id, KeyPair.generate());
  }

  serialize(): Uint8Array {
    return writeRecord(this.id, this.keyPair.publicKey.serialize(), this.keyPair.privateKey.serialize());
  }

  static deserialize(bytes: Uint8Array): PreKeyRecord {
    const f = readRecord(bytes, 'PreKeyRecord');
    const publicKey = PublicKey.deserialize(required(f.publicKey, 'PreKeyRecord'));
    const privateKey = PrivateKey.deserialize(required(f.privateKey, 'PreKeyRecord'));
    return new PreKeyRecord(f.id ?? 0, new KeyPair(publicKey, privateKey));
  }
}

/**
 * An EC prekey signed by the identity key over its 33-byte encoding (docs/protocol.md §1).
 *
 * @example
 * const spk = SignedPreKeyRecord.generate(7, identity, Date.now());
 */
export class SignedPreKeyRecord {
  constructor(
    readonly id: number,
    /** Milliseconds since the epoch. */
    readonly timestamp: number,
    readonly keyPair: KeyPair,
    readonly signature: Uint8Array,
  ) {}

  static generate(id: number, identity: IdentityKeyPair, timestamp: number): SignedPreKeyRecord {
    const keyPair = KeyPair.generate();
    const signature = identity.privateKey.sign(keyPair.publicKey.serialize());
    return new SignedPreKeyRecord(id, timestamp, keyPair, signature);
  }

  serialize(): Uint8Array {
    const { publicKey, privateKey } = this.keyPair;
    return writeRecord(
      this.id,
      publicKey.serialize(),
      privateKey.serialize(),
      this.signature,
      this.timestamp,
    );
  }

  static deserialize(bytes: Uint8Array): SignedPreKeyRecord {
    const f = readRecord(bytes, 'SignedPreKeyRecord');
    const publicKey = PublicKey.deserialize(required(f.publicKey, 'SignedPreKeyRecord'));
    const privateKey = PrivateKey.deserialize(required(f.privateKey, 'SignedPreKeyRecord'));
    const keyPair = new KeyPair(publicKey, privateKey);
    return new SignedPreKeyRecord(f.id ?? 0, f.timestamp ?? 0, keyPair, f.signature ?? new Uint8Array(0));
  }
}

/**
 * A KEM prekey signed by the identity key over its 1569-byte typed encoding (docs/protocol.md §1).
 *
 * @example
 * const kyber = KyberPreKeyRecord.generate(9, identity, Date.now());
 */
export class KyberPreKeyRecord {
  constructor(
    readonly id: number,
    /** Milliseconds since the epoch. */
    readonly timestamp: number,
    readonly keyPair: KEMKeyPair,
    readonly signature: Uint8Array,
  ) {}

  static generate(
    id: number,
    identity: IdentityKeyPair,
    timestamp: number,
    type: KemType = KEM_TYPE_KYBER1024,
  ): KyberPreKeyRecord {
    const keyPair = KEMKeyPair.generate(type);
    const signature = identity.privateKey.sign(keyPair.publicKey.serialize());
    return new KyberPreKeyRecord(id, timestamp, keyPair, signature);
  }

  serialize(): Uint8Array {
    const { publicKey, secretKey } = this.keyPair;
    return writeRecord(this.id, publicKey.serialize(), secretKey.serialize(), this.signature, this.timestamp);
  }

  static deserialize(bytes: Uint8Array): KyberPreKeyRecord {
    const f = readRecord(bytes, 'KyberPreKeyRecord');
    const publicKey = KEMPublicKey.deserialize(required(f.publicKey, 'KyberPreKeyRecord'));
    const secretKey = KEMSecretKey.deserialize(required(f.privateKey, 'KyberPreKeyRecord'));
    if (publicKey.type !== secretKey.type) throw new ProtocolError('InvalidKey', 'KEM key types differ');
    const keyPair = new KEMKeyPair(publicKey, secretKey);
    return new KyberPreKeyRecord(f.id ?? 0, f.timestamp ?? 0, keyPair, f.signature ?? new Uint8Array(0));
  }
}
