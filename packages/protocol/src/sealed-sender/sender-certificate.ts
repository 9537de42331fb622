/**
 * SenderCertificate (docs/protocol.md §8.1): who sent a sealed-sender message — account
 * uuid, optional E.164, device, identity key, expiry — signed by a server
 * certificate's key. Inner fields are written in tag order 1…6 as libsignal
 * does; `expires` is fixed64 milliseconds since the epoch.
 */

import {
  type DecodeOptions,
  decodeFields,
  decodeUtf8,
  optionalBytes,
  requireBytes,
  requireFixed64,
  requireUint32,
} from '../group/proto-fields.js';
import type { PrivateKey, PublicKey } from '../keys/index.js';
import { EC_PUBLIC_KEY_LENGTH } from '../limits.js';
import { ProtobufWriter } from '../wire/protobuf.js';
import {
  certificateKey,
  decodeSignedCertificate,
  encodeSignedCertificate,
  ServerCertificate,
} from './server-certificate.js';

const OUTER_WHAT = 'SenderCertificate';
const INNER: DecodeOptions = { what: 'SenderCertificate.certificate', code: 'InvalidCertificate' };
const INNER_FIELDS = { 1: 'bytes', 2: 'uint32', 3: 'fixed64', 4: 'bytes', 5: 'bytes', 6: 'bytes' } as const;
const utf8 = new TextEncoder();

/** What a sender certificate asserts. */
export interface SenderCertificateFields {
  readonly senderUuid: string;
  readonly senderE164: string | null;
  readonly senderDeviceId: number;
  readonly identityKey: PublicKey;
  /** Milliseconds since the epoch after which the certificate is invalid. */
  readonly expiration: number;
  readonly signer: ServerCertificate;
}

/**
 * @example
 * const cert = SenderCertificate.create({ senderUuid, senderE164: null, senderDeviceId: 1,
 *   identityKey, expiration: Date.now() + 86_400_000, signer: server }, serverKeys.privateKey);
 * cert.validate(trustRoot, Date.now()); // true
 */
export class SenderCertificate implements SenderCertificateFields {
  readonly senderUuid: string;
  readonly senderE164: string | null;
  readonly senderDeviceId: number;
  readonly identityKey: PublicKey;
  readonly expiration: number;
  readonly signer: ServerCertificate;

  private constructor(
    fields: SenderCertificateFields,
    /** The signed inner bytes, exactly as received. */
    readonly certificate: Uint8Array,
    readonly signature: Uint8Array,
    private readonly serialized: Uint8Array,
  ) {
    this.senderUuid = fields.senderUuid;
    this.senderE164 = fields.senderE164;
    this.senderDeviceId = fields.senderDeviceId;
    this.identityKey = fields.identityKey;
    this.expiration = fields.expiration;
    this.signer = fields.signer;
  }

  /** Issues a certificate signed by `signerKey`, the private half of `fields.signer.key`. */
  static create(fields: SenderCertificateFields, signerKey: PrivateKey): SenderCertificate {
    if (!Number.isSafeInteger(fields.expiration) || fields.expiration < 0) {
      throw new RangeError('expiration must be a non-negative integer of milliseconds');
    }
    const writer = new ProtobufWriter();
    if (fields.senderE164 !== null) writer.bytes(1, utf8.encode(fields.senderE164));
    const certificate = writer
      .uint32(2, fields.senderDeviceId)
      .fixed64(3, BigInt(fields.expiration))
      .bytes(4, fields.identityKey.serialize())
      .bytes(5, fields.signer.serialize())
      .bytes(6, utf8.encode(fields.senderUuid))
      .finish();
    const signature = signerKey.sign(certificate);
    return new SenderCertificate(
      fields,
      certificate,
      signature,
      encodeSignedCertificate(certificate, signature),
    );
  }

  /** Parses strictly; throws ProtocolError('InvalidCertificate'). Does not validate. */
  static deserialize(bytes: Uint8Array): SenderCertificate {
    const { certificate, signature } = decodeSignedCertificate(bytes, OUTER_WHAT);
    const f = decodeFields(certificate, INNER_FIELDS, INNER);
    const e164 = optionalBytes(f, 1);
    const expires = requireFixed64(f, 3, INNER);
    const fields: SenderCertificateFields = {
      senderE164: e164 === undefined ? null : decodeUtf8(e164, INNER),
      senderDeviceId: requireUint32(f, 2, INNER),
      // Beyond 2^53 ms (year 287 396) precision is irrelevant: such a certificate never expires.
      expiration: expires > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(expires),
      identityKey: certificateKey(requireBytes(f, 4, INNER, EC_PUBLIC_KEY_LENGTH), INNER.what),
      signer: ServerCertificate.deserialize(requireBytes(f, 5, INNER)),
      senderUuid: decodeUtf8(requireBytes(f, 6, INNER), INNER),
    };
    return new SenderCertificate(fields, certificate, signature, bytes.slice());
  }

  /**
   * True iff the server certificate validates against `trustRoot`, the
   * server key signed this certificate, and `validationTime` (ms) is not
   * after the expiry (docs/protocol.md §8.1).
   */
  validate(trustRoot: PublicKey, validationTime: number): boolean {
    if (!this.signer.validate(trustRoot)) return false;
    if (!this.signer.key.verifySignature(this.certificate, this.signature)) return false;
    return validationTime <= this.expiration;
  }

  serialize(): Uint8Array {
    return this.serialized.slice();
  }
}
