/**
 * A member's view of one group: every change it received, and the one chain
 * of them that counts (issue 11, item 1). The chain is a function of the SET
 * of changes received, never of their order: from the create on, each next
 * version is the valid change on the current state that ranks first — a
 * remove or leave before any other change (so a concurrent change can never
 * keep someone in who was removed or left), then the smallest hash (SHA-256
 * of its encoding). So two admins' concurrent changes resolve to the same
 * state on every member; the loser's author sees it displaced and signs it
 * again on the winner (group-rebase.ts). Changes whose base is not known yet wait
 * (a member offline through several changes catches up in any order).
 * Forged, unauthorised, stale and replayed changes are never applied and
 * come back as warnings for the user to see.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { SignedGroupChange } from './group-change.js';
import { encodeSignedGroupChange } from './group-codec.js';
import type { GroupState } from './group-state.js';
import { applyGroupChange, type GroupRejection, groupStateHash } from './group-transition.js';

/** Changes held that are not (yet) on the chain; more are refused with a warning. */
export const MAX_HELD_GROUP_CHANGES = 4096;
/**
 * Versions a stored log keeps below its head once compacted: a concurrent
 * change or a catch-up request within this many versions still resolves.
 */
export const KEPT_GROUP_VERSIONS = 256;
/** A chain longer than this is stored compacted (so a record stays small and quick to check on load). */
export const COMPACT_AFTER_VERSIONS = 512;

export interface GroupWarning {
  readonly reason: GroupRejection | 'stale' | 'replayed' | 'wrong-group' | 'too-many';
  readonly version: number;
  readonly signer: string;
  readonly detail: string;
}

export interface GroupLogUpdate {
  /** Changes that joined the chain, oldest first. */
  readonly applied: readonly SignedGroupChange[];
  /** Changes that left the chain for a concurrent change that won. */
  readonly displaced: readonly SignedGroupChange[];
  readonly warnings: readonly GroupWarning[];
}

interface Link {
  readonly state: GroupState;
  readonly stateHash: string;
  /** Undefined for a snapshot a joiner started from (it cannot be displaced). */
  readonly change?: SignedGroupChange;
  readonly changeHash?: string;
}

/** Whether change `a` (hash `aHash`) takes a version before `b`, which builds on the same state. */
function outranks(a: SignedGroupChange, aHash: string, b: SignedGroupChange, bHash: string): boolean {
  const departs = (c: SignedGroupChange) => c.change.type === 'remove' || c.change.type === 'leave';
  if (departs(a) !== departs(b)) return departs(a);
  return aHash < bHash;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const GENESIS = hex(groupStateHash(undefined));

export class GroupLog {
  private chain: Link[] = [];
  /** Changes by the hash of the state they build on, then by their own hash. */
  private readonly held = new Map<string, Map<string, SignedGroupChange>>();
  private readonly seen = new Set<string>();
  /** Versions at or below this can never apply (a joiner's snapshot). */
  private readonly floor: number;

  /**
   * @param groupId the group this log is for
   * @param snapshot the state a member added later starts from (undefined: from the create)
   */
  constructor(
    readonly groupId: Uint8Array,
    snapshot?: GroupState,
  ) {
    this.floor = snapshot?.version ?? 0;
    if (snapshot) this.chain.push({ state: snapshot, stateHash: hex(groupStateHash(snapshot)) });
  }

  /** The current state, or undefined before the create arrived. */
  get state(): GroupState | undefined {
    return this.chain.at(-1)?.state;
  }

  /** Changes held waiting for a state not seen yet (or on a losing branch): the chain's own do not count. */
  get heldCount(): number {
    let n = 0;
    for (const m of this.held.values()) n += m.size;
    return n - this.chain.filter((l) => l.change !== undefined).length;
  }

  /**
   * This log as it is stored: itself, or, once its chain is longer than
   * COMPACT_AFTER_VERSIONS, a log starting from the state KEPT_GROUP_VERSIONS
   * below the head (as a joiner's snapshot) with only the changes after it.
   * The state is the same; older changes can no longer be served to a
   * member that far behind, nor displace anything.
   */
  compacted(): GroupLog {
    if (this.chain.length <= COMPACT_AFTER_VERSIONS) return this;
    const from = (this.chain[this.chain.length - 1 - KEPT_GROUP_VERSIONS] as Link).state;
    const log = new GroupLog(this.groupId, from);
    for (const c of this.changes()) if (c.version > from.version) log.receive(c);
    return log;
  }

  /**
   * Every change this log keeps (on the chain or waiting), oldest version
   * first: what a member stores to rebuild the same log after a restart.
   */
  changes(): SignedGroupChange[] {
    const all = [...this.held.values()].flatMap((m) => [...m.values()]);
    return all.sort((a, b) => a.version - b.version);
  }

  /** The changes on the chain that created versions above `version`, oldest first. */
  chainSince(version: number): SignedGroupChange[] {
    return this.chain.flatMap((l) => (l.change && l.state.version > version ? [l.change] : []));
  }

  /** The state this log started from: a joiner's snapshot, or undefined (from the create). */
  get snapshot(): GroupState | undefined {
    return this.floor === 0 ? undefined : this.chain[0]?.state;
  }

  /**
   * Takes one received change and moves the chain as far as the changes held allow.
   *
   * @example
   * const { applied, warnings } = log.receive(decodeSignedGroupChange(bytes));
   * for (const w of warnings) ui.warn(`ignored a group change from ${w.signer}: ${w.reason}`);
   */
  receive(change: SignedGroupChange): GroupLogUpdate {
    const warnings: GroupWarning[] = [];
    const warn = (reason: GroupWarning['reason'], c: SignedGroupChange, detail: string) =>
      warnings.push({ reason, version: c.version, signer: c.signer, detail });
    const done = (applied: SignedGroupChange[] = [], displaced: SignedGroupChange[] = []) => ({
      applied,
      displaced,
      warnings,
    });
    if (hex(change.groupId) !== hex(this.groupId)) {
      warn('wrong-group', change, 'change for another group');
      return done();
    }
    const changeHash = hex(sha256(encodeSignedGroupChange(change)));
    if (this.seen.has(changeHash)) {
      warn('replayed', change, 'this change was received before');
      return done();
    }
    if (change.version <= this.floor) {
      warn('stale', change, `version ${change.version} is older than this member's first state`);
      return done();
    }
    const baseHash = hex(change.baseHash);
    // Where on the chain does its base sit? (index of the link it builds on; -1 = before create)
    const at =
      baseHash === GENESIS && this.floor === 0 ? -1 : this.chain.findIndex((l) => l.stateHash === baseHash);
    const waits = at === -1 && baseHash !== GENESIS;
    // Only changes that would wait are bounded: one on a known state is checked now, so the chain never freezes.
    if (waits && this.heldCount >= MAX_HELD_GROUP_CHANGES) {
      warn(
        'too-many',
        change,
        `${MAX_HELD_GROUP_CHANGES} changes already wait for changes this member never got; ask an admin to add you again`,
      );
      return done();
    }
    this.seen.add(changeHash);
    let bucket = this.held.get(baseHash);
    if (!bucket) {
      bucket = new Map();
      this.held.set(baseHash, bucket);
    }
    bucket.set(changeHash, change);

    if (waits) return done(); // base unknown: wait for it
    const slot = at + 1;
    const current = this.chain[slot];
    let displaced: SignedGroupChange[] = [];
    if (current !== undefined) {
      const base = this.chain[at]?.state;
      const result = applyGroupChange(base, change);
      if (!result.ok) {
        bucket.delete(changeHash);
        warn(result.reason, change, result.detail);
        return done();
      }
      if (outranks(current.change as SignedGroupChange, current.changeHash as string, change, changeHash)) {
        warn('stale', change, `a concurrent change to version ${change.version} came first in order`);
        return done();
      }
      displaced = this.chain.splice(slot).flatMap((l) => (l.change ? [l.change] : []));
    }
    return done(this.extend(warn), displaced);
  }

  /** Appends the winning valid change on the head while there is one. */
  private extend(warn: (reason: GroupWarning['reason'], c: SignedGroupChange, detail: string) => void) {
    const applied: SignedGroupChange[] = [];
    for (;;) {
      const head = this.chain.at(-1);
      const bucket = this.held.get(head?.stateHash ?? GENESIS);
      let best: { hash: string; change: SignedGroupChange; state: GroupState } | undefined;
      for (const [hash, c] of bucket ?? []) {
        const result = applyGroupChange(head?.state, c);
        if (!result.ok) {
          bucket?.delete(hash);
          warn(result.reason, c, result.detail);
        } else if (best === undefined || outranks(c, hash, best.change, best.hash))
          best = { hash, change: c, state: result.state };
      }
      if (!best) return applied;
      this.chain.push({
        state: best.state,
        stateHash: hex(groupStateHash(best.state)),
        change: best.change,
        changeHash: best.hash,
      });
      applied.push(best.change);
    }
  }
}
