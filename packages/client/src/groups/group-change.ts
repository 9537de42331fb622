/**
 * The changes a group can undergo (issue 11, item 1). Each is signed by one
 * member's identity key; who may sign what is decided in group-transition.ts.
 */
import type { GroupMember } from './group-state.js';

export type GroupChange =
  | {
      readonly type: 'create';
      readonly name: string;
      readonly members: readonly GroupMember[];
      readonly admins: readonly string[];
      readonly timerSeconds: number;
    }
  | { readonly type: 'add'; readonly members: readonly GroupMember[] }
  | { readonly type: 'remove'; readonly accountIds: readonly string[] }
  | { readonly type: 'leave' }
  | { readonly type: 'rename'; readonly name: string }
  | { readonly type: 'promote'; readonly accountId: string }
  | { readonly type: 'demote'; readonly accountId: string }
  | { readonly type: 'timer'; readonly seconds: number };

/** A change as it travels: what it builds on, who signed it, and the signature. */
export interface SignedGroupChange {
  readonly groupId: Uint8Array;
  /** The version this change creates (the base state's version + 1; 1 for create). */
  readonly version: number;
  /** SHA-256 of the encoded base state (32 zero bytes for create). */
  readonly baseHash: Uint8Array;
  readonly signer: string;
  readonly change: GroupChange;
  /** XEdDSA signature by the signer's identity key over signedBytes(...). */
  readonly signature: Uint8Array;
}
