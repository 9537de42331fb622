/**
 * The group state machine (issue 11, item 1) as members run it: signed
 * changes apply only on the state they name and only from an admin; forged,
 * unauthorised, stale and replayed ones come back as warnings; concurrent
 * admin changes and any delivery order end in the same state on every member.
 */
import { IdentityKeyPair } from '@tacet/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GROUP_TIMER_SECONDS,
  encodeGroupState,
  type GroupChange,
  GroupLog,
  type GroupMember,
  type GroupState,
  KEPT_GROUP_VERSIONS,
  MAX_GROUP_MEMBERS,
  MAX_HELD_GROUP_CHANGES,
  type SignedGroupChange,
  signGroupChange,
} from '../../src/groups/index.js';

interface Person extends GroupMember {
  keys: IdentityKeyPair;
}
const person = (accountId: string): Person => {
  const keys = IdentityKeyPair.generate();
  return { accountId, identityKey: keys.publicKey.serialize(), keys };
};
const member = (p: Person): GroupMember => ({ accountId: p.accountId, identityKey: p.identityKey });
const [ann, ben, cat, dan, eve] = ['ann', 'ben', 'cat', 'dan', 'eve'].map(person) as [
  Person,
  Person,
  Person,
  Person,
  Person,
];
const GROUP_ID = new Uint8Array(32).fill(7);

function sign(base: GroupState | undefined, by: Person, change: GroupChange): SignedGroupChange {
  return signGroupChange(base, GROUP_ID, by.accountId, by.keys.privateKey, change);
}

function created(): { log: GroupLog; create: SignedGroupChange } {
  const create = sign(undefined, ann, {
    type: 'create',
    name: 'desk',
    members: [ann, ben, cat].map(member),
    admins: ['ann', 'ben'],
    timerSeconds: DEFAULT_GROUP_TIMER_SECONDS,
  });
  const log = new GroupLog(GROUP_ID);
  expect(log.receive(create)).toMatchObject({ applied: [create], warnings: [] });
  return { log, create };
}

describe('group log', () => {
  it('creates a group and applies admins\u2019 changes in version order', () => {
    const { log } = created();
    const s1 = log.state as GroupState;
    expect(s1).toMatchObject({ version: 1, name: 'desk', admins: ['ann', 'ben'], timerSeconds: 30 });
    const add = sign(s1, ben, { type: 'add', members: [member(dan)] });
    expect(log.receive(add).applied).toEqual([add]);
    const s2 = log.state as GroupState;
    const rename = sign(s2, ann, { type: 'rename', name: 'news desk' });
    const timer = sign({ ...s2, name: 'news desk', version: 3 }, ann, { type: 'timer', seconds: 300 });
    log.receive(rename);
    log.receive(timer);
    expect(log.state).toMatchObject({ version: 4, name: 'news desk', timerSeconds: 300 });
    expect(log.state?.members.map((m) => m.accountId)).toEqual(['ann', 'ben', 'cat', 'dan']);
    const leave = sign(log.state, cat, { type: 'leave' });
    expect(log.receive(leave).warnings).toEqual([]);
    expect(log.state?.members.map((m) => m.accountId)).toEqual(['ann', 'ben', 'dan']);
  });

  it('ignores, with a warning, a forged add, one by a non-admin, a replayed old add and a stale one', () => {
    const { log } = created();
    const s1 = log.state as GroupState;
    // cat is a member but not an admin.
    const byMember = sign(s1, cat, { type: 'add', members: [member(eve)] });
    expect(log.receive(byMember).warnings).toMatchObject([{ reason: 'not-admin', signer: 'cat' }]);
    // eve is no member: claims to be ann but signs with her own key.
    const forged = signGroupChange(s1, GROUP_ID, 'ann', eve.keys.privateKey, {
      type: 'add',
      members: [member(eve)],
    });
    expect(log.receive(forged).warnings).toMatchObject([{ reason: 'forged', signer: 'ann' }]);
    // A signature over another change does not carry over.
    const real = sign(s1, ann, { type: 'add', members: [member(dan)] });
    const spliced = { ...real, change: { type: 'add', members: [member(eve)] } as GroupChange };
    expect(log.receive(spliced).warnings).toMatchObject([{ reason: 'forged' }]);
    expect(log.state?.version).toBe(1);

    expect(log.receive(real).applied).toEqual([real]);
    const removeDan = sign(log.state, ben, { type: 'remove', accountIds: ['dan'] });
    log.receive(removeDan);
    expect(log.state?.members.map((m) => m.accountId)).toEqual(['ann', 'ben', 'cat']);
    // The old add of dan, replayed by the server, adds nobody.
    expect(log.receive(real).warnings).toMatchObject([{ reason: 'replayed' }]);
    expect(log.state?.members.map((m) => m.accountId)).toEqual(['ann', 'ben', 'cat']);
    // A member that joined at version 3 cannot be fed version 2 again.
    const joiner = new GroupLog(GROUP_ID, log.state);
    expect(joiner.receive(real).warnings).toMatchObject([{ reason: 'stale' }]);
    expect(encodeGroupState(joiner.state as GroupState)).toEqual(encodeGroupState(log.state as GroupState));
  });

  it('a member offline through two changes catches up in order whatever order they arrive in', () => {
    const { log, create } = created();
    const add = sign(log.state, ann, { type: 'add', members: [member(dan)] });
    log.receive(add);
    const promote = sign(log.state, ann, { type: 'promote', accountId: 'dan' });
    log.receive(promote);
    const late = new GroupLog(GROUP_ID);
    expect(late.receive(promote).applied).toEqual([]);
    expect(late.receive(add).applied).toEqual([]);
    expect(late.heldCount).toBe(2);
    expect(late.receive(create).applied).toEqual([create, add, promote]);
    expect(late.state?.admins).toEqual(['ann', 'ben', 'dan']);
  });

  it('two admins\u2019 concurrent changes end in the same state on both, the loser displaced', () => {
    const { log: a, create } = created();
    const b = new GroupLog(GROUP_ID);
    b.receive(create);
    const s1 = a.state as GroupState;
    const fromAnn = sign(s1, ann, { type: 'rename', name: 'ann’s name' });
    const fromBen = sign(s1, ben, { type: 'remove', accountIds: ['cat'] });
    const first = a.receive(fromAnn);
    const second = a.receive(fromBen);
    b.receive(fromBen);
    b.receive(fromAnn);
    expect(encodeGroupState(a.state as GroupState)).toEqual(encodeGroupState(b.state as GroupState));
    expect(a.state?.version).toBe(2);
    // Exactly one of them lost, and the log that had applied it first says so.
    const winner = a.state?.name === 'ann’s name' ? fromAnn : fromBen;
    expect(first.applied).toEqual([fromAnn]);
    expect(second.displaced).toEqual(winner === fromBen ? [fromAnn] : []);
  });

  it('a remove or leave beats any concurrent change that keeps the member, whatever the hashes', () => {
    const s1 = created().log.state as GroupState;
    // Many renames, so some hash below the remove's and some above: the remove wins against each.
    for (let i = 0; i < 16; i++) {
      const { log } = created();
      const remove = sign(s1, ann, { type: 'remove', accountIds: ['cat'] });
      const rename = sign(s1, ben, { type: 'rename', name: `name ${i}` });
      const leave = sign(s1, cat, { type: 'leave' });
      for (const c of i % 2 ? [rename, remove] : [remove, rename]) log.receive(c);
      expect(log.state?.members.map((m) => m.accountId)).toEqual(['ann', 'ben']);
      expect(log.state?.name).toBe('desk');
      // Between two departures the hash decides; either way cat is out.
      log.receive(leave);
      expect(log.state?.members.map((m) => m.accountId)).toEqual(['ann', 'ben']);
    }
  });

  it(`a chain past ${MAX_HELD_GROUP_CHANGES} changes still takes the next one, and is stored compacted to the same state`, () => {
    const { log } = created();
    const n = MAX_HELD_GROUP_CHANGES + 4;
    for (let i = 0; i < n; i++) {
      const next = sign(log.state, ann, { type: 'timer', seconds: 60 + (i % 7) });
      expect(log.receive(next).warnings).toEqual([]);
    }
    expect(log.state?.version).toBe(n + 1);
    const stored = log.compacted();
    expect(stored.snapshot?.version).toBe(n + 1 - KEPT_GROUP_VERSIONS);
    expect(stored.changes()).toHaveLength(KEPT_GROUP_VERSIONS);
    expect(encodeGroupState(stored.state as GroupState)).toEqual(encodeGroupState(log.state as GroupState));
    // Both go on alike; a change older than what the stored log kept is stale there, not applied.
    const after = sign(log.state, ben, { type: 'rename', name: 'still going' });
    expect(stored.receive(after).applied).toEqual([after]);
    expect(log.receive(after).applied).toEqual([after]);
    const old = log.chainSince(1)[0] as SignedGroupChange;
    expect(stored.receive(old).warnings).toMatchObject([{ reason: 'stale' }]);
  });

  it(`holds at most ${MAX_HELD_GROUP_CHANGES} changes waiting for a missed one, then says so in words`, () => {
    const { log } = created();
    const unseen = { ...(log.state as GroupState), name: 'a state this member never got', version: 5 };
    for (let i = 0; i < MAX_HELD_GROUP_CHANGES; i++)
      expect(log.receive(sign(unseen, ann, { type: 'timer', seconds: 60 + i })).warnings).toEqual([]);
    const more = log.receive(sign(unseen, ann, { type: 'timer', seconds: 5 }));
    expect(more.warnings).toMatchObject([{ reason: 'too-many' }]);
    expect(more.warnings[0]?.detail).toMatch(/ask an admin to add you again/);
    // The chain still moves: changes on the known head are not held back by the waiting ones.
    const rename = sign(log.state, ann, { type: 'rename', name: 'moving' });
    expect(log.receive(rename).applied).toEqual([rename]);
  });

  it(`refuses to grow past ${MAX_GROUP_MEMBERS} members`, () => {
    const { log } = created();
    const many = Array.from({ length: MAX_GROUP_MEMBERS - 3 }, (_, i) => ({
      accountId: `m${String(i).padStart(4, '0')}`,
      identityKey: ann.identityKey,
    }));
    const fill = sign(log.state, ann, { type: 'add', members: many });
    expect(log.receive(fill).warnings).toEqual([]);
    expect(log.state?.members).toHaveLength(MAX_GROUP_MEMBERS);
    const over = sign(log.state, ann, { type: 'add', members: [member(eve)] });
    expect(log.receive(over).warnings).toMatchObject([{ reason: 'limit' }]);
    expect(log.state?.members).toHaveLength(MAX_GROUP_MEMBERS);
  });

  it('resolves any set of concurrent admin changes to one state on every member, in any order', () => {
    const admins = [ann, ben, dan];
    const kinds = ['rename', 'timer', 'add', 'remove', 'promote', 'demote', 'forge'] as const;
    const step = fc.record({
      base: fc.nat(),
      by: fc.nat(),
      kind: fc.constantFrom(...kinds),
      n: fc.nat(1000),
    });
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 8 }),
        fc.array(fc.array(fc.nat(), { minLength: 9, maxLength: 9 }), { minLength: 3, maxLength: 3 }),
        (steps, orders) => {
          const create = sign(undefined, ann, {
            type: 'create',
            name: 'g',
            members: [ann, ben, cat, dan].map(member),
            admins: admins.map((p) => p.accountId),
            timerSeconds: 30,
          });
          // Build a tree: each change builds on some earlier state (a fork when two pick the same one).
          const states: GroupState[] = [firstState(create) as GroupState];
          const changes: SignedGroupChange[] = [create];
          for (const s of steps) {
            const base = states[s.base % states.length] as GroupState;
            const by = admins[s.by % admins.length] as Person;
            const outsider = base.members.find((m) => !base.admins.includes(m.accountId));
            const change: GroupChange =
              s.kind === 'rename'
                ? { type: 'rename', name: `n${s.n}` }
                : s.kind === 'timer'
                  ? { type: 'timer', seconds: s.n }
                  : s.kind === 'add'
                    ? { type: 'add', members: [{ accountId: `x${s.n}`, identityKey: eve.identityKey }] }
                    : s.kind === 'remove'
                      ? { type: 'remove', accountIds: [outsider?.accountId ?? 'cat'] }
                      : s.kind === 'promote'
                        ? { type: 'promote', accountId: outsider?.accountId ?? 'cat' }
                        : s.kind === 'demote'
                          ? { type: 'demote', accountId: by.accountId }
                          : { type: 'rename', name: 'forged' };
            const signed =
              s.kind === 'forge'
                ? signGroupChange(base, GROUP_ID, by.accountId, eve.keys.privateKey, change)
                : sign(base, by, change);
            changes.push(signed);
            const probe = new GroupLog(GROUP_ID, base);
            probe.receive(signed);
            if (probe.state && probe.state.version > base.version) states.push(probe.state);
          }
          const finals = orders.map((keys) => {
            const order = changes.map((c, i) => ({ c, k: keys[i] as number }));
            order.sort((x, y) => x.k - y.k);
            const log = new GroupLog(GROUP_ID);
            for (const { c } of order) log.receive(c);
            return encodeGroupState(log.state as GroupState);
          });
          const inOrder = new GroupLog(GROUP_ID);
          for (const c of changes) inOrder.receive(c);
          for (const f of finals) expect(f).toEqual(encodeGroupState(inOrder.state as GroupState));
        },
      ),
      { numRuns: 40 },
    );
  });
});

function firstState(create: SignedGroupChange): GroupState | undefined {
  const log = new GroupLog(GROUP_ID);
  log.receive(create);
  return log.state;
}
