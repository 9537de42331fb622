/**
 * The provisioning channel's cryptography (docs/provisioning.md): an X25519
 * agreement between the new device's ephemeral key (carried in the link
 * code, so the person's own typing brings it to the existing device) and
 * the existing device's ephemeral key (posted through the server). Every key
 * and the comparison code come from HKDF over that agreement, salted with a
 * transcript hash of the channel id and both public keys: a relay that swaps
 * either key ends up with another secret and another comparison code, and
 * cannot aim for the right one, since the code also depends on a secret it
 * cannot compute. Messages are AES-256-CTR then HMAC-SHA256 over the slot,
 * the IV and the ciphertext, each key used for one message only.
 */
import {
  concatBytes,
  constantTimeEqual,
  type KeyPair,
  PublicKey,
  primitives,
  zeroize,
} from '@tacet/protocol';
import { ClientError } from '../errors.js';

const te = new TextEncoder();
/** Domain of the transcript hash: nothing else tacet hashes starts with it. */
export const TRANSCRIPT_LABEL = te.encode('tacet provisioning v1\0');
/** HKDF info of the channel's keys. */
export const KEYS_LABEL = te.encode('tacet provisioning v1 keys');
/** Format byte of every sealed message and of the hello. */
export const FORMAT = 0x01;
const IV_BYTES = 16;
const MAC_BYTES = 32;
/** Digits of the comparison code: a relay's blind guess is right once in a million links. */
export const COMPARISON_DIGITS = 6;

/** Keys of one channel, from the existing device's side (`toNew`) and the new device's (`toExisting`). */
export interface ChannelKeys {
  readonly toNew: { enc: Uint8Array; mac: Uint8Array };
  readonly toExisting: { enc: Uint8Array; mac: Uint8Array };
  /** Shown on both screens, e.g. "042 917". */
  readonly comparison: string;
  wipe(): void;
}

/** The raw 32-byte X25519 public key of `key`. */
export const rawKey = (key: PublicKey): Uint8Array => key.serialize().subarray(1);

/** A raw public key from the channel or the link code, refusing a non-canonical one with a typed error. */
export function parseRawKey(raw: Uint8Array, where: string): PublicKey {
  try {
    if (raw.length !== 32) throw new RangeError('length');
    return PublicKey.deserialize(concatBytes(Uint8Array.of(0x05), raw));
  } catch {
    throw new ClientError('LinkTampered', `the ${where} carries no valid public key`, { reason: 'key' });
  }
}

function comparisonCode(bytes: Uint8Array): string {
  // 40 bits reduced mod 10^6: the bias is below 10^-6, far under a blind guess.
  let n = 0;
  for (let i = 0; i < 5; i++) n = n * 256 + (bytes[i] as number);
  const digits = String(n % 10 ** COMPARISON_DIGITS).padStart(COMPARISON_DIGITS, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}

/**
 * Derives the channel's keys. `mine` is this device's ephemeral pair,
 * `theirs` the other side's public key; `newKey`/`existingKey` fix the order
 * both sides hash them in.
 */
export function channelKeys(
  channel: Uint8Array,
  mine: KeyPair,
  theirs: PublicKey,
  newKey: PublicKey,
  existingKey: PublicKey,
): ChannelKeys {
  const transcript = primitives.sha256(
    concatBytes(TRANSCRIPT_LABEL, channel, rawKey(newKey), rawKey(existingKey)),
  );
  const shared = mine.privateKey.agree(theirs);
  const okm = primitives.hkdfSha256(shared, transcript, KEYS_LABEL, 160);
  zeroize(shared);
  const part = (i: number) => okm.slice(i * 32, i * 32 + 32);
  const keys = {
    toNew: { enc: part(0), mac: part(1) },
    toExisting: { enc: part(2), mac: part(3) },
    comparison: comparisonCode(part(4)),
    wipe() {
      for (const k of [keys.toNew, keys.toExisting]) {
        zeroize(k.enc);
        zeroize(k.mac);
      }
    },
  };
  zeroize(okm);
  return keys;
}

function macOf(mac: Uint8Array, slot: number, iv: Uint8Array, ct: Uint8Array): Uint8Array {
  return primitives.hmacSha256(mac, concatBytes(Uint8Array.of(FORMAT, slot), iv, ct));
}

/** Seals `plaintext` for `slot`: format ‖ IV ‖ ciphertext ‖ HMAC. */
export function sealSlot(key: { enc: Uint8Array; mac: Uint8Array }, slot: number, plaintext: Uint8Array) {
  const iv = primitives.randomBytes(IV_BYTES);
  const ct = primitives.aes256Ctr(key.enc, iv, plaintext);
  return concatBytes(Uint8Array.of(FORMAT), iv, ct, macOf(key.mac, slot, iv, ct));
}

/**
 * Opens a sealed slot; any change to its bytes, a message sealed for
 * another slot, or one under other keys (a swapped ephemeral key) is
 * `LinkTampered`. The MAC is compared in constant time before decrypting.
 */
export function openSlot(key: { enc: Uint8Array; mac: Uint8Array }, slot: number, blob: Uint8Array) {
  const tampered = () =>
    new ClientError(
      'LinkTampered',
      'the other device did not confirm the same comparison code, or someone altered the link; nothing was shared',
      { reason: 'mac', slot },
    );
  if (blob.length < 1 + IV_BYTES + MAC_BYTES || blob[0] !== FORMAT) throw tampered();
  const iv = blob.subarray(1, 1 + IV_BYTES);
  const ct = blob.subarray(1 + IV_BYTES, blob.length - MAC_BYTES);
  if (!constantTimeEqual(blob.subarray(blob.length - MAC_BYTES), macOf(key.mac, slot, iv, ct)))
    throw tampered();
  return primitives.aes256Ctr(key.enc, iv, ct);
}
