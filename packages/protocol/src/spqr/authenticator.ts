/**
 * SPQR's authenticator (Signal's SPQR specification, "Authenticator"): a root
 * key and a MAC key, updated with every epoch's shared secret, that MAC the
 * braid's encapsulation-key header and its full ciphertext so an active
 * attacker cannot substitute either. Labels and layouts per the public spec:
 *
 *   update(ep, k):  (root, mac) = HKDF(salt 0^32, root ‖ k,
 *                     "Signal_PQCKA_V1_MLKEM768:Authenticator Update" ‖ BE64(ep), 64)
 *   mac_hdr(ep, h): HMAC(mac, "Signal_PQCKA_V1_MLKEM768:ekheader" ‖ BE64(ep) ‖ h)
 *   mac_ct(ep, c):  HMAC(mac, "Signal_PQCKA_V1_MLKEM768:ciphertext" ‖ BE64(ep) ‖ c)
 *
 * Immutable: update returns a new authenticator, so a failed receive leaves
 * the stored one untouched.
 */
import { concatBytes, constantTimeEqual, primitives } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';

const encoder = new TextEncoder();
const UPDATE_LABEL = encoder.encode('Signal_PQCKA_V1_MLKEM768:Authenticator Update');
const HEADER_LABEL = encoder.encode('Signal_PQCKA_V1_MLKEM768:ekheader');
const CIPHERTEXT_LABEL = encoder.encode('Signal_PQCKA_V1_MLKEM768:ciphertext');
const ZERO_SALT = new Uint8Array(32);

/** Bytes of every authenticator MAC (full HMAC-SHA256). */
export const MAC_SIZE = 32;

/** Big-endian 64-bit epoch, as every SPQR label carries it. */
export function epochBytes(epoch: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(epoch));
  return out;
}

export interface Authenticator {
  readonly rootKey: Uint8Array;
  readonly macKey: Uint8Array;
}

/** The authenticator of epoch 1, keyed by the session's initial PQ key. */
export function newAuthenticator(authKey: Uint8Array): Authenticator {
  return updateAuthenticator({ rootKey: new Uint8Array(32), macKey: new Uint8Array(32) }, 1, authKey);
}

export function updateAuthenticator(a: Authenticator, epoch: number, key: Uint8Array): Authenticator {
  const info = concatBytes(UPDATE_LABEL, epochBytes(epoch));
  const okm = primitives.hkdfSha256(concatBytes(a.rootKey, key), ZERO_SALT, info, 64);
  return { rootKey: okm.slice(0, 32), macKey: okm.slice(32, 64) };
}

export function macHeader(a: Authenticator, epoch: number, header: Uint8Array): Uint8Array {
  return primitives.hmacSha256(a.macKey, concatBytes(HEADER_LABEL, epochBytes(epoch), header));
}

export function macCiphertext(a: Authenticator, epoch: number, ciphertext: Uint8Array): Uint8Array {
  return primitives.hmacSha256(a.macKey, concatBytes(CIPHERTEXT_LABEL, epochBytes(epoch), ciphertext));
}

/** Throws ProtocolError('InvalidMessage') unless `mac` is the header's MAC (constant-time compare). */
export function verifyHeader(a: Authenticator, epoch: number, header: Uint8Array, mac: Uint8Array): void {
  if (!constantTimeEqual(macHeader(a, epoch, header), mac))
    throw new ProtocolError('InvalidMessage', 'SPQR: encapsulation key header MAC is invalid');
}

/** Throws ProtocolError('InvalidMessage') unless `mac` is the ciphertext's MAC (constant-time compare). */
export function verifyCiphertext(
  a: Authenticator,
  epoch: number,
  ciphertext: Uint8Array,
  mac: Uint8Array,
): void {
  if (!constantTimeEqual(macCiphertext(a, epoch, ciphertext), mac))
    throw new ProtocolError('InvalidMessage', 'SPQR: ciphertext MAC is invalid');
}
