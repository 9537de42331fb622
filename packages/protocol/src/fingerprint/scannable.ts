/**
 * The QR-code form of a safety number (docs/protocol.md §7): proto2
 * `CombinedFingerprints {1 version, 2 local {1 content}, 3 remote {1 content}}`
 * with 32 bytes of each side's hash, 74 bytes in all. Parsing of scanned
 * bytes is strict and bounded (ProtocolError('InvalidMessage')).
 */
import { constantTimeEqual } from '../crypto/bytes.js';
import { ProtocolError } from '../errors.js';
import { ProtobufReader, ProtobufWriter, WireType } from '../wire/protobuf.js';

/** Bytes of each side's hash that the scannable form carries. */
const CONTENT_LENGTH = 32;

function readLogical(bytes: Uint8Array): Uint8Array {
  const r = new ProtobufReader(bytes);
  let content: Uint8Array | undefined;
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) content = r.bytes();
    else r.skip(wireType);
  }
  if (content?.length !== CONTENT_LENGTH) {
    throw new ProtocolError('InvalidMessage', 'scannable fingerprint: content must be 32 bytes');
  }
  return content.slice();
}

/**
 * @example
 * const qr = fingerprint.scannable.serialize();
 * // on the other phone, after scanning:
 * if (theirFingerprint.scannable.compare(qr)) markVerified();
 */
export class ScannableFingerprint {
  private constructor(
    readonly version: number,
    /** h[0..32] of this side. */
    readonly localFingerprint: Uint8Array,
    /** h[0..32] of the other side. */
    readonly remoteFingerprint: Uint8Array,
  ) {}

  /** @internal Built by Fingerprint.create from the two final hashes. */
  static fromHashes(version: number, localHash: Uint8Array, remoteHash: Uint8Array): ScannableFingerprint {
    return new ScannableFingerprint(
      version,
      localHash.slice(0, CONTENT_LENGTH),
      remoteHash.slice(0, CONTENT_LENGTH),
    );
  }

  /** The 74-byte protobuf for the QR code. */
  serialize(): Uint8Array {
    const local = new ProtobufWriter().bytes(1, this.localFingerprint).finish();
    const remote = new ProtobufWriter().bytes(1, this.remoteFingerprint).finish();
    return new ProtobufWriter().uint32(1, this.version).bytes(2, local).bytes(3, remote).finish();
  }

  /** Parses scanned bytes; both sides must be present with 32 bytes of content. */
  static deserialize(bytes: Uint8Array): ScannableFingerprint {
    if (!(bytes instanceof Uint8Array))
      throw new TypeError('ScannableFingerprint.deserialize: bytes must be a Uint8Array');
    const r = new ProtobufReader(bytes);
    let version = 0;
    let local: Uint8Array | undefined;
    let remote: Uint8Array | undefined;
    while (!r.done()) {
      const { field, wireType } = r.tag();
      if (field === 1 && wireType === WireType.Varint) version = r.uint32();
      else if (field === 2 && wireType === WireType.LengthDelimited) local = readLogical(r.bytes());
      else if (field === 3 && wireType === WireType.LengthDelimited) remote = readLogical(r.bytes());
      else r.skip(wireType);
    }
    if (local === undefined || remote === undefined) {
      throw new ProtocolError('InvalidMessage', 'scannable fingerprint: missing local or remote part');
    }
    return new ScannableFingerprint(version, local, remote);
  }

  /**
   * True when the scanned bytes come from the other side of this same
   * conversation: their local part is our remote part and vice versa.
   * Throws ProtocolError('FingerprintVersionMismatch') across versions and
   * ProtocolError('InvalidMessage') on malformed bytes.
   */
  compare(scanned: Uint8Array): boolean {
    const theirs = ScannableFingerprint.deserialize(scanned);
    if (theirs.version !== this.version) {
      throw new ProtocolError('FingerprintVersionMismatch', 'safety numbers of different versions', {
        theirs: theirs.version,
        ours: this.version,
      });
    }
    const a = constantTimeEqual(theirs.localFingerprint, this.remoteFingerprint);
    const b = constantTimeEqual(theirs.remoteFingerprint, this.localFingerprint);
    return a && b;
  }
}
