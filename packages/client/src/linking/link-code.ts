/**
 * The link code the new device shows and the person types or pastes on the
 * existing one (no camera needed): base64url of format 0x01 ‖ channel id
 * (16 bytes) ‖ the new device's ephemeral X25519 public key (32 bytes),
 * 66 characters. The key travels through the person, never through the
 * server, so the existing device encrypts to the real new device.
 */
import { concatBytes, type PublicKey } from '@tacet/protocol';
import { fromBase64Url, PROVISIONING_CHANNEL_BYTES, toBase64Url } from '@tacet/wire';
import { ClientError } from '../errors.js';
import { FORMAT, parseRawKey, rawKey } from './provisioning-cipher.js';

const CODE_BYTES = 1 + PROVISIONING_CHANNEL_BYTES + 32;

/** What a link code carries. */
export interface LinkCode {
  readonly channel: Uint8Array;
  readonly newDeviceKey: PublicKey;
}

/** @example const code = encodeLinkCode({ channel, newDeviceKey: ephemeral.publicKey }); */
export function encodeLinkCode(c: LinkCode): string {
  return toBase64Url(concatBytes(Uint8Array.of(FORMAT), c.channel, rawKey(c.newDeviceKey)));
}

/** Parses a typed or pasted code (spaces and line breaks ignored); InvalidLinkCode when it is not one. */
export function decodeLinkCode(text: string): LinkCode {
  const invalid = () =>
    new ClientError(
      'InvalidLinkCode',
      'that is not a link code: copy the whole code the new device shows (tacet link prints it)',
    );
  const compact = text.replace(/\s+/g, '');
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(compact);
  } catch {
    throw invalid();
  }
  // Canonical only: one encoding per code, so a mangled copy is never read as another code.
  if (bytes.length !== CODE_BYTES || bytes[0] !== FORMAT || toBase64Url(bytes) !== compact) throw invalid();
  let newDeviceKey: PublicKey;
  try {
    newDeviceKey = parseRawKey(bytes.subarray(1 + PROVISIONING_CHANNEL_BYTES), 'link code');
  } catch {
    throw invalid();
  }
  return { channel: bytes.slice(1, 1 + PROVISIONING_CHANNEL_BYTES), newDeviceKey };
}
