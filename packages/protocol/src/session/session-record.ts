/**
 * A SessionRecord: the current session state with a peer device plus up to
 * ARCHIVED_STATES_MAX_LENGTH earlier ones, most recent first
 * (docs/protocol.md §4.6). Serialization is tacet's own storage schema
 * (record-codec.ts), separate from the wire formats.
 */
import { ARCHIVED_STATES_MAX_LENGTH } from '../limits.js';
import { decodeSessionRecord, encodeSessionRecord } from './record-codec.js';
import { bytesEqual, type SessionState } from './session-state.js';

/**
 * @example
 * const bytes = record.serialize();            // persist
 * const again = SessionRecord.deserialize(bytes); // strict: throws ProtocolError on bad bytes
 */
export class SessionRecord {
  /** The state new messages are sent with; undefined for a fresh or fully archived record. */
  current: SessionState | undefined;
  /** Earlier states, most recent first. */
  readonly archived: SessionState[];

  constructor(current?: SessionState, archived: SessionState[] = []) {
    this.current = current;
    this.archived = archived;
  }

  /** Parses bytes from `serialize()`; throws ProtocolError('InvalidMessage') on anything else. */
  static deserialize(bytes: Uint8Array): SessionRecord {
    const { current, archived } = decodeSessionRecord(bytes);
    return new SessionRecord(current, archived);
  }

  serialize(): Uint8Array {
    return encodeSessionRecord(this.current, this.archived);
  }

  hasCurrentState(): boolean {
    return this.current !== undefined;
  }

  /** Moves the current state to the front of the archive (dropping the oldest beyond the limit). */
  archiveCurrentState(): void {
    const state = this.current;
    if (state === undefined) return;
    this.current = undefined;
    // An archived state must never send PreKey messages again (§4.6).
    state.pendingPreKey = undefined;
    this.archived.unshift(state);
    if (this.archived.length > ARCHIVED_STATES_MAX_LENGTH) this.archived.length = ARCHIVED_STATES_MAX_LENGTH;
  }

  /** Makes `state` current, archiving the previous current state. */
  promoteState(state: SessionState): void {
    this.archiveCurrentState();
    this.current = state;
  }

  /** Promotes the archived state at `index` (removing it from the archive). */
  promoteArchivedState(index: number): void {
    const [state] = this.archived.splice(index, 1);
    if (state === undefined) throw new RangeError(`no archived state at ${index}`);
    this.promoteState(state);
  }

  localRegistrationId(): number | undefined {
    return this.current?.localRegistrationId;
  }

  remoteRegistrationId(): number | undefined {
    return this.current?.remoteRegistrationId;
  }

  /** True when the current state sends with this raw 32-byte ratchet public key. */
  currentRatchetKeyMatches(ratchetPublic: Uint8Array): boolean {
    const state = this.current;
    return state !== undefined && bytesEqual(state.senderChain.ratchetPublic, ratchetPublic);
  }

  /** The state (current = -1, else archive index) created from this initiator base key, if any. */
  findByBaseKey(version: number, baseKey: Uint8Array): number | undefined {
    const matches = (s: SessionState) => s.version === version && bytesEqual(s.aliceBaseKey, baseKey);
    if (this.current !== undefined && matches(this.current)) return -1;
    const index = this.archived.findIndex(matches);
    return index < 0 ? undefined : index;
  }
}
