/**
 * Who may be put into a group, and whether a group may be sent to: members
 * are contacts pinned at the identity key this profile holds for them
 * (learnt from the server on first use, as for 1:1, and verified by safety
 * numbers); a member whose safety number changed blocks sending with an
 * error that names them, and a group never grows past 1,000.
 */
import type { Contact, Contacts } from '../contacts.js';
import { ClientError } from '../errors.js';
import { identityUntrusted, needsReverification, untrustedError } from '../messenger/peer-crypto.js';
import type { ProtocolStores } from '../sessions/protocol-stores.js';
import { memberName } from './group-info.js';
import { type GroupMember, type GroupState, MAX_GROUP_MEMBERS } from './group-state.js';

/** Throws GroupTooLarge when a group would have `count` members. */
export function checkGroupSize(count: number): void {
  if (count > MAX_GROUP_MEMBERS)
    throw new ClientError(
      'GroupTooLarge',
      `a group can have at most ${MAX_GROUP_MEMBERS.toLocaleString('en')} members; this would make ${count.toLocaleString('en')}`,
      { count },
    );
}

/** Throws UntrustedIdentity naming the first member (other than `me`) whose safety number changed. */
export async function checkMembersTrusted(
  stores: ProtocolStores,
  contacts: Contacts,
  state: GroupState,
  me: string,
): Promise<void> {
  for (const m of state.members) {
    if (m.accountId === me) continue;
    const contact = await contacts.byId(m.accountId);
    const changed =
      (await identityUntrusted(stores, m.accountId)) ||
      (contact && (await needsReverification(stores, contact)));
    if (!changed) continue;
    const name = await memberName(contacts, m.accountId);
    const e = untrustedError(name);
    throw new ClientError(
      'UntrustedIdentity',
      `${e.message}; nothing is sent to the group "${state.name}" until then`,
      { name, group: state.name },
    );
  }
}

/**
 * The group entries of contacts named by `refs` (names or ids), each with
 * the identity key this profile holds for them; `learn` fetches a key never
 * seen (a session is started, as for a first message).
 */
export async function resolveMembers(
  stores: ProtocolStores,
  contacts: Contacts,
  refs: readonly string[],
  me: string,
  learn: (c: Contact) => Promise<void>,
): Promise<GroupMember[]> {
  const out = new Map<string, GroupMember>();
  for (const ref of refs) {
    const c = await contacts.get(ref);
    if (c.accountId === me || out.has(c.accountId)) continue;
    let { trusted, latest } = await stores.trustState(c.accountId);
    if (!trusted && !latest) {
      await learn(c);
      ({ trusted, latest } = await stores.trustState(c.accountId));
    }
    if ((await identityUntrusted(stores, c.accountId)) || (await needsReverification(stores, c)))
      throw untrustedError(c.name);
    const key = trusted ?? latest;
    if (!key) throw new ClientError('UnknownContact', `no identity key known for ${c.name} yet`);
    out.set(c.accountId, { accountId: c.accountId, identityKey: key });
  }
  return [...out.values()];
}
