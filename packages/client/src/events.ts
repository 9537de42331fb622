/**
 * What a running client tells its UI. One listener type, a tagged union, so
 * a UI can switch on `type` and redraw.
 */
import type { Contact } from './contacts.js';
import type { GroupChange } from './groups/group-change.js';
import type { GroupInfo } from './groups/group-info.js';
import type { IdentityClaim } from './messenger/held-apart.js';
import type { MessageRecord } from './store/types.js';

export type ClientEvent =
  /** A new conversation item (incoming text or timer change, or our own). */
  | { type: 'message'; message: MessageRecord }
  /** A stored item changed: delivery mark, or its countdown started. */
  | { type: 'updated'; message: MessageRecord }
  /** Items that disappeared; drop them from the screen. */
  | { type: 'expired'; ids: string[] }
  /** A contact's identity key changed: sending to them is blocked until accepted. */
  | { type: 'identity-changed'; contact: Contact }
  /** A contact's signed device list was replaced by a newer one (docs/device-list.md). */
  /** `paused`: the contact is verified, so sending waits for `acceptDevices` (`tacet accept NAME`). */
  | { type: 'devices-changed'; contact: Contact; devices: number[]; version: number; paused?: boolean }
  /**
   * A message came from a new key claiming to be `name`: held apart, unread,
   * nothing of it applied. `claim.confirmed`: the server's directory lists
   * the key, so the user may accept it (client.acceptClaim).
   */
  | { type: 'identity-claim'; name: string; claim: IdentityClaim }
  /**
   * A group change joined this member's chain; `group` is the new state,
   * `by` the signer's account id and `byName` their contact name (else the id; 'you' for ours).
   */
  | { type: 'group-changed'; group: GroupInfo; change: GroupChange['type']; by: string; byName: string }
  /**
   * Group traffic that was not applied: a forged, unauthorised, stale or
   * replayed change, a message from a non-member, or missed changes being
   * fetched (`reason` 'behind'). `detail` says it in words; `signer` names who signed it.
   */
  | { type: 'group-warning'; groupId: string; name: string; reason: string; detail: string; signer: string }
  | { type: 'connection'; state: 'open' | 'closed' | 'reconnecting'; reason?: string }
  /** The server finished handing over what was queued for this device. */
  | { type: 'drained' }
  /** Something failed in the background (a malformed message, a failed key upload). */
  | { type: 'error'; error: Error };

export type ClientListener = (e: ClientEvent) => void;

/** A tiny synchronous event hub; a throwing listener does not stop the others. */
export class Emitter {
  readonly #listeners = new Set<ClientListener>();

  on(l: ClientListener): () => void {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }

  emit(e: ClientEvent): void {
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch {
        // a UI bug must not break delivery
      }
    }
  }
}
