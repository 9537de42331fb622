/**
 * The long-term identity key pair and its storage encoding, the protobuf
 * `{1: public (33), 2: private (32)}` of 69 bytes (docs/protocol.md §1).
 */
import { ProtocolError } from '../errors.js';
import { ProtobufReader, ProtobufWriter, WireType } from '../wire/protobuf.js';
import { PrivateKey } from './private-key.js';
import { PublicKey } from './public-key.js';

/**
 * @example
 * const me = IdentityKeyPair.generate();
 * const signature = me.privateKey.sign(signedPreKey.serialize());
 * await store.save(me.serialize());
 */
export class IdentityKeyPair {
  constructor(
    /** The identity key peers see and trust. */
    readonly publicKey: PublicKey,
    readonly privateKey: PrivateKey,
  ) {}

  static generate(): IdentityKeyPair {
    const privateKey = PrivateKey.generate();
    return new IdentityKeyPair(privateKey.getPublicKey(), privateKey);
  }

  /** The 69-byte storage encoding. */
  serialize(): Uint8Array {
    const privateBytes = this.privateKey.serialize();
    const out = new ProtobufWriter().bytes(1, this.publicKey.serialize()).bytes(2, privateBytes).finish();
    privateBytes.fill(0);
    return out;
  }

  /** Parses the storage encoding; both fields are required. */
  static deserialize(bytes: Uint8Array): IdentityKeyPair {
    const reader = new ProtobufReader(bytes);
    let publicBytes: Uint8Array | undefined;
    let privateBytes: Uint8Array | undefined;
    while (!reader.done()) {
      const { field, wireType } = reader.tag();
      if (field === 1 && wireType === WireType.LengthDelimited) publicBytes = reader.bytes();
      else if (field === 2 && wireType === WireType.LengthDelimited) privateBytes = reader.bytes();
      else reader.skip(wireType);
    }
    if (publicBytes === undefined || privateBytes === undefined) {
      throw new ProtocolError('InvalidMessage', 'IdentityKeyPair: missing field');
    }
    return new IdentityKeyPair(PublicKey.deserialize(publicBytes), PrivateKey.deserialize(privateBytes));
  }
}
