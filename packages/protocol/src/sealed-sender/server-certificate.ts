/**
 * ServerCertificate (docs/protocol.md §8.1): the service's sealed-sender signing key,
 * signed by the trust root. Outer `{1 certificate, 2 signature(64)}` over an
 * inner `{1 id uint32, 2 key bytes(33)}`. This module owns the codec and
 * its validation; sender certificates build on it.
 */
import { ProtocolError } from '../errors.js';
import { type DecodeOptions, decodeFields, requireBytes, requireUint32 } from '../group/proto-fields.js';
import { type PrivateKey, PublicKey } from '../keys/index.js';
import { EC_PUBLIC_KEY_LENGTH, SEALED_SENDER_REVOKED_SERVER_KEY_IDS, SIGNATURE_LENGTH } from '../limits.js';
import { ProtobufWriter } from '../wire/protobuf.js';

const OUTER: DecodeOptions = { what: 'ServerCertificate', code: 'InvalidCertificate' };
const INNER: DecodeOptions = { what: 'ServerCertificate.certificate', code: 'InvalidCertificate' };

/**
 * Splits a signed certificate `{1 certificate, 2 signature}`, shared by both
 * certificate kinds. Throws ProtocolError('InvalidCertificate').
 */
export function decodeSignedCertificate(
  bytes: Uint8Array,
  what: string,
): { certificate: Uint8Array; signature: Uint8Array } {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} bytes must be a Uint8Array`);
  const options: DecodeOptions = { what, code: 'InvalidCertificate' };
  const f = decodeFields(bytes, { 1: 'bytes', 2: 'bytes' }, options);
  return {
    certificate: requireBytes(f, 1, options),
    signature: requireBytes(f, 2, options, SIGNATURE_LENGTH),
  };
}

/** Encodes `{1 certificate, 2 signature}`. */
export function encodeSignedCertificate(certificate: Uint8Array, signature: Uint8Array): Uint8Array {
  return new ProtobufWriter().bytes(1, certificate).bytes(2, signature).finish();
}

/** Parses a 33-byte key field, reporting a bad key as an invalid certificate. */
export function certificateKey(bytes: Uint8Array, what: string): PublicKey {
  try {
    return PublicKey.deserialize(bytes);
  } catch (error) {
    if (error instanceof ProtocolError)
      throw new ProtocolError('InvalidCertificate', `${what}: ${error.message}`);
    throw error;
  }
}

/**
 * @example
 * const server = ServerCertificate.create(1, serverKeys.publicKey, trustRoot.privateKey);
 * ServerCertificate.deserialize(server.serialize()).validate(trustRoot.publicKey); // true
 */
export class ServerCertificate {
  private constructor(
    readonly keyId: number,
    readonly key: PublicKey,
    /** The signed inner bytes, exactly as received. */
    readonly certificate: Uint8Array,
    readonly signature: Uint8Array,
    private readonly serialized: Uint8Array,
  ) {}

  /** Issues a certificate for `serverKey`, signed by the trust root (libsignal's `ServerCertificate.new`). */
  static create(keyId: number, serverKey: PublicKey, trustRoot: PrivateKey): ServerCertificate {
    const certificate = new ProtobufWriter().uint32(1, keyId).bytes(2, serverKey.serialize()).finish();
    const signature = trustRoot.sign(certificate);
    return new ServerCertificate(
      keyId,
      serverKey,
      certificate,
      signature,
      encodeSignedCertificate(certificate, signature),
    );
  }

  /** Parses strictly; throws ProtocolError('InvalidCertificate'). Does not validate. */
  static deserialize(bytes: Uint8Array): ServerCertificate {
    const { certificate, signature } = decodeSignedCertificate(bytes, OUTER.what);
    const f = decodeFields(certificate, { 1: 'uint32', 2: 'bytes' }, INNER);
    const keyId = requireUint32(f, 1, INNER);
    const key = certificateKey(requireBytes(f, 2, INNER, EC_PUBLIC_KEY_LENGTH), INNER.what);
    return new ServerCertificate(keyId, key, certificate, signature, bytes.slice());
  }

  /** True iff the key id is not revoked and the trust root signed this certificate. */
  validate(trustRoot: PublicKey): boolean {
    if (SEALED_SENDER_REVOKED_SERVER_KEY_IDS.includes(this.keyId)) return false;
    return trustRoot.verifySignature(this.certificate, this.signature);
  }

  serialize(): Uint8Array {
    return this.serialized.slice();
  }
}
