/**
 * The result of `signalEncrypt`: a typed, serialized message
 * (docs/protocol.md §5.4). Type numbers are CiphertextMessageType's,
 * not sealed sender's (where PreKey is 1).
 */

/** CiphertextMessageType values of 1:1 messages. */
export const CiphertextMessageType = { Whisper: 2, PreKey: 3 } as const;
export type SessionCiphertextType = (typeof CiphertextMessageType)[keyof typeof CiphertextMessageType];

/**
 * @example
 * const out = await signalEncrypt(text, bob, stores, Date.now());
 * send({ type: out.type(), body: out.serialize() });
 */
export interface CiphertextMessage {
  /** 2 (SignalMessage) or 3 (PreKeySignalMessage). */
  type(): SessionCiphertextType;
  /** The exact bytes to transmit. */
  serialize(): Uint8Array;
}
