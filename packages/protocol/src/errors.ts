/**
 * The protocol's one error type. A stable `code` names what went wrong, so
 * callers (and the server and clients above them) can branch and show a clear
 * message without parsing text. Misuse by the caller (a wrong type or length
 * passed in by our own code) throws TypeError/RangeError instead.
 */
export type ProtocolErrorCode =
  | 'InvalidKey'
  | 'InvalidSignature'
  | 'InvalidMessage'
  | 'DuplicatedMessage'
  | 'UntrustedIdentity'
  | 'UnsupportedVersion'
  | 'LegacyMessage'
  | 'NoSession'
  | 'InvalidPreKeyId'
  | 'InvalidKyberPreKeyId'
  | 'InvalidSignedPreKeyId'
  | 'InvalidSenderKeySession'
  | 'InvalidCertificate'
  | 'SealedSenderSelfSend'
  /** Scannable safety numbers of different versions cannot be compared (docs/protocol.md §7). */
  | 'FingerprintVersionMismatch'
  /**
   * The peer (or a stored session) does not run the post-quantum ratchet
   * (SPQR), which tacet requires for every new session: no downgrade.
   */
  | 'PqRatchetRequired'
  /** A signed device list that is malformed, non-canonical or names another account. */
  | 'InvalidDeviceList'
  /** A device list older than (or conflicting with) the newest one already verified. */
  | 'StaleDeviceList';

/**
 * @example
 * try { decrypt(...) } catch (e) {
 *   if (e instanceof ProtocolError && e.is('DuplicatedMessage')) return;
 *   throw e;
 * }
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    readonly data: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }

  is(code: ProtocolErrorCode): boolean {
    return this.code === code;
  }
}
