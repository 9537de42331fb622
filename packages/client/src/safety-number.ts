/**
 * Safety numbers (docs/protocol.md §7): 60 digits both people see,
 * derived from both identity keys and account ids, that match only if
 * nobody substituted a key. The construction is the protocol package's
 * Fingerprint; tacet uses version 2 with the 16 raw account-id bytes as
 * identifiers, as Signal does with ACIs.
 */
import { Fingerprint, PublicKey } from '@tacet/protocol';

export interface SafetyNumber {
  /** 60 digits, shown as 12 groups of 5. */
  readonly digits: string;
  /** The scannable form (CombinedFingerprints protobuf, 74 bytes). */
  readonly scannable: Uint8Array;
}

/**
 * @example safetyNumber(myKey, myIdBytes, theirKey, theirIdBytes).digits // '05142...'
 */
export function safetyNumber(
  localKey: Uint8Array,
  localId: Uint8Array,
  remoteKey: Uint8Array,
  remoteId: Uint8Array,
): SafetyNumber {
  const fp = Fingerprint.create({
    version: 2,
    localIdentifier: localId,
    localKey: PublicKey.deserialize(localKey),
    remoteIdentifier: remoteId,
    remoteKey: PublicKey.deserialize(remoteKey),
  });
  return { digits: fp.displayable.toString(), scannable: fp.scannable.serialize() };
}

/**
 * The one layout every screen uses, Signal's: 12 groups of 5 digits in
 * 3 rows of 4, read left to right, so two people compare them the same way.
 * @example safetyNumberRows(digits).map((row) => row.join(' ')).join('\n')
 */
export function safetyNumberRows(digits: string): string[][] {
  const groups = digits.match(/.{1,5}/g) ?? [];
  return [groups.slice(0, 4), groups.slice(4, 8), groups.slice(8, 12)];
}
