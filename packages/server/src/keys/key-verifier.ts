/**
 * Checks an upload's keys with the protocol package: every key parses, and
 * every signed prekey (EC and Kyber) carries a valid XEdDSA signature by the
 * identity key over its full serialized form (type byte included, docs/protocol.md §1).
 * A bad upload is refused whole, with the field that failed.
 */
import { KEMPublicKey, PublicKey } from '@tacet/protocol';
import { ErrorCode, type KeysUploadRequest } from '@tacet/wire';
import { HttpError } from '../errors.js';

function parse<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch {
    throw new HttpError(400, ErrorCode.InvalidKey, `${what}: not a valid key`);
  }
}

/** Throws HttpError(400, invalid_key | invalid_signature) on the first bad key. */
export function verifyKeyUpload(upload: KeysUploadRequest): void {
  const identity = parse('identityKey', () => PublicKey.deserialize(upload.identityKey));
  const signed = (what: string, key: { publicKey: Uint8Array; signature: Uint8Array }) => {
    if (!identity.verifySignature(key.publicKey, key.signature)) {
      throw new HttpError(
        400,
        ErrorCode.InvalidSignature,
        `${what}: signature does not verify under identityKey`,
      );
    }
  };
  if (upload.signedPreKey) {
    parse('signedPreKey', () => PublicKey.deserialize(upload.signedPreKey?.publicKey as Uint8Array));
    signed('signedPreKey', upload.signedPreKey);
  }
  if (upload.pqLastResortPreKey) {
    parse('pqLastResortPreKey', () =>
      KEMPublicKey.deserialize(upload.pqLastResortPreKey?.publicKey as Uint8Array),
    );
    signed('pqLastResortPreKey', upload.pqLastResortPreKey);
  }
  upload.preKeys?.forEach((k, i) => {
    parse(`preKeys[${i}]`, () => PublicKey.deserialize(k.publicKey));
  });
  upload.pqPreKeys?.forEach((k, i) => {
    parse(`pqPreKeys[${i}]`, () => KEMPublicKey.deserialize(k.publicKey));
    signed(`pqPreKeys[${i}]`, k);
  });
}
