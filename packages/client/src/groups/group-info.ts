/**
 * The view of a group a UI shows: names from the local contacts (an account
 * id where the member is not a contact), who is an admin, and whether this
 * profile is still a member.
 */
import type { Contacts } from '../contacts.js';
import { toHex } from '../util.js';
import { groupConversationId } from './group-book.js';
import { type GroupState, isAdmin, memberOf } from './group-state.js';

export interface GroupMemberInfo {
  readonly accountId: string;
  /** The contact's local name, else the account id. */
  readonly name: string;
  readonly admin: boolean;
  /** This profile. */
  readonly me: boolean;
}

export interface GroupInfo {
  /** The group id, hex (64 characters). */
  readonly id: string;
  /** Where its messages are stored: `client.groups.messages(id)` reads them. */
  readonly conversationId: string;
  readonly name: string;
  readonly version: number;
  /** Disappearing timer of the group's messages, seconds; 0 = off. */
  readonly timerSeconds: number;
  readonly members: readonly GroupMemberInfo[];
  /** Whether this profile is a member (false after leaving or being removed). */
  readonly member: boolean;
  readonly admin: boolean;
}

/** How a person is named in group views and errors. */
export async function memberName(contacts: Contacts, accountId: string): Promise<string> {
  return (await contacts.byId(accountId))?.name ?? accountId;
}

export async function groupInfo(state: GroupState, me: string, contacts: Contacts): Promise<GroupInfo> {
  const members: GroupMemberInfo[] = [];
  for (const m of state.members) {
    const name = m.accountId === me ? 'you' : await memberName(contacts, m.accountId);
    members.push({
      accountId: m.accountId,
      name,
      admin: isAdmin(state, m.accountId),
      me: m.accountId === me,
    });
  }
  return {
    id: toHex(state.id),
    conversationId: groupConversationId(state.id),
    name: state.name,
    version: state.version,
    timerSeconds: state.timerSeconds,
    members,
    member: memberOf(state, me) !== undefined,
    admin: isAdmin(state, me),
  };
}
