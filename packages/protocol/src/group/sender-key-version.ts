/**
 * The sender-key message version (docs/protocol.md §5.1): the byte is
 * `(messageVersion << 4) | currentVersion` = 0x33. Parsers read only the high
 * nibble, and sender keys accept exactly 3.
 */
import { ProtocolError } from '../errors.js';

/** Sender-key messages are version 3 in libsignal 0.72.1. */
export const SENDER_KEY_VERSION = 3;
/** The byte every SKDM and SKM starts with. */
export const SENDER_KEY_VERSION_BYTE = (SENDER_KEY_VERSION << 4) | SENDER_KEY_VERSION;

/**
 * The message version of a version byte, or a typed error: LegacyMessage
 * below 3, UnsupportedVersion above.
 *
 * @example
 * const version = checkSenderKeyVersion(bytes[0], 'SenderKeyMessage'); // 3
 */
export function checkSenderKeyVersion(versionByte: number, what: string): number {
  const version = versionByte >> 4;
  if (version < SENDER_KEY_VERSION) {
    throw new ProtocolError('LegacyMessage', `${what}: legacy version ${version}`, { version });
  }
  if (version > SENDER_KEY_VERSION) {
    throw new ProtocolError('UnsupportedVersion', `${what}: unrecognized version ${version}`, { version });
  }
  return version;
}
