/**
 * SPQR's symmetric chain (Signal's SPQR specification, "Chain"): one pair of
 * send/receive key chains per epoch, re-rooted by every epoch secret the braid
 * yields. Each message takes the next key of its epoch's send chain; the key
 * becomes the HKDF salt of that message's Double Ratchet message keys, which
 * is how the PQ ratchet enters every message (libsignal's triple ratchet).
 *
 *   start:      HKDF(salt 0^32, auth_key, "Signal PQ Ratchet V1 Chain  Start", 96)   (two spaces)
 *   add epoch:  HKDF(salt next_root, secret, "Signal PQ Ratchet V1 Chain Add Epoch", 96)
 *   split:      next_root = [0,32), A2B chain = [32,64), B2A chain = [64,96)
 *   next key:   ctr += 1; (next, key) = HKDF(salt 0^32, next, BE32(ctr) ‖ "Signal PQ Ratchet V1 Chain Next", 64)
 *
 * Key indices start at 1 (index 0 means "no key"). Receivers keep skipped keys
 * of a chain up to maxOooKeys behind and refuse jumps beyond maxJump, with the
 * same trimming rule as the reference so both sides agree on what still decrypts.
 * Values are immutable: every operation returns a new chain sharing what it
 * did not change, so a failed decryption never commits.
 */
import { primitives } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';

const encoder = new TextEncoder();
const START_LABEL = encoder.encode('Signal PQ Ratchet V1 Chain  Start');
const ADD_EPOCH_LABEL = encoder.encode('Signal PQ Ratchet V1 Chain Add Epoch');
const NEXT_LABEL = encoder.encode('Signal PQ Ratchet V1 Chain Next');
const ZERO_SALT = new Uint8Array(32);
/** Epochs kept below the current send epoch (the reference keeps one). */
const EPOCHS_KEPT_BEFORE_SEND_EPOCH = 1;

export type Direction = 'A2B' | 'B2A';

export interface ChainDirection {
  /** Keys produced so far; the last one produced has index ctr. */
  readonly ctr: number;
  /** The next chain key; empty once a send chain is retired. */
  readonly next: Uint8Array;
  /** Skipped receive keys by index, oldest first. */
  readonly prev: ReadonlyMap<number, Uint8Array>;
}

export interface ChainEpoch {
  readonly send: ChainDirection;
  readonly recv: ChainDirection;
}

export interface PqChain {
  readonly direction: Direction;
  readonly currentEpoch: number;
  readonly sendEpoch: number;
  /** links[i] belongs to epoch currentEpoch - (links.length - 1 - i). */
  readonly links: readonly ChainEpoch[];
  readonly nextRoot: Uint8Array;
  readonly maxJump: number;
  readonly maxOooKeys: number;
}

function direction(key: Uint8Array): ChainDirection {
  return { ctr: 0, next: key, prev: new Map() };
}

function epochFrom(okm: Uint8Array, dir: Direction): ChainEpoch {
  const a2b = okm.slice(32, 64);
  const b2a = okm.slice(64, 96);
  return dir === 'A2B'
    ? { send: direction(a2b), recv: direction(b2a) }
    : { send: direction(b2a), recv: direction(a2b) };
}

export function newChain(authKey: Uint8Array, dir: Direction, maxJump: number, maxOooKeys: number): PqChain {
  const okm = primitives.hkdfSha256(authKey, ZERO_SALT, START_LABEL, 96);
  return {
    direction: dir,
    currentEpoch: 0,
    sendEpoch: 0,
    links: [epochFrom(okm, dir)],
    nextRoot: okm.slice(0, 32),
    maxJump,
    maxOooKeys,
  };
}

/** Mixes the braid's secret of `epoch` (which must be the next one) into the chain. */
export function addEpoch(chain: PqChain, epoch: number, secret: Uint8Array): PqChain {
  if (epoch !== chain.currentEpoch + 1)
    throw new ProtocolError('InvalidMessage', `SPQR: epoch ${epoch} out of order`);
  const okm = primitives.hkdfSha256(secret, chain.nextRoot, ADD_EPOCH_LABEL, 96);
  return {
    ...chain,
    currentEpoch: epoch,
    nextRoot: okm.slice(0, 32),
    links: [...chain.links, epochFrom(okm, chain.direction)],
  };
}

function step(next: Uint8Array, ctr: number): { next: Uint8Array; key: Uint8Array } {
  // info = BE32(ctr) ‖ label, written in place (this runs for every message).
  const info = new Uint8Array(4 + NEXT_LABEL.length);
  info[0] = ctr >>> 24;
  info[1] = (ctr >>> 16) & 0xff;
  info[2] = (ctr >>> 8) & 0xff;
  info[3] = ctr & 0xff;
  info.set(NEXT_LABEL, 4);
  const okm = primitives.hkdfSha256(next, ZERO_SALT, info, 64);
  return { next: okm.subarray(0, 32), key: okm.subarray(32, 64) };
}

function epochIndex(chain: PqChain, epoch: number): number {
  const back = chain.currentEpoch - epoch;
  if (epoch > chain.currentEpoch || back >= chain.links.length)
    throw new ProtocolError('InvalidMessage', `SPQR: epoch ${epoch} not in valid range`, { epoch });
  return chain.links.length - 1 - back;
}

/** The next send key of `epoch`, with its index. */
export function sendKey(chain: PqChain, epoch: number): { chain: PqChain; index: number; key: Uint8Array } {
  if (epoch < chain.sendEpoch)
    throw new ProtocolError(
      'InvalidMessage',
      `SPQR: send key epoch decreased (${chain.sendEpoch} -> ${epoch})`,
    );
  let links = chain.links.slice();
  let at = epochIndex(chain, epoch);
  if (epoch !== chain.sendEpoch) {
    // Moving to a newer send epoch retires the older send chains for good.
    const drop = Math.max(0, at - EPOCHS_KEPT_BEFORE_SEND_EPOCH);
    links = links.slice(drop);
    at -= drop;
    for (let i = 0; i < at; i++) {
      const link = links[i] as ChainEpoch;
      links[i] = { recv: link.recv, send: { ...link.send, next: new Uint8Array(0) } };
    }
  }
  const link = links[at] as ChainEpoch;
  if (link.send.next.length !== 32) throw new ProtocolError('InvalidMessage', 'SPQR: send chain retired');
  const ctr = link.send.ctr + 1;
  const { next, key } = step(link.send.next, ctr);
  links[at] = { recv: link.recv, send: { ctr, next, prev: link.send.prev } };
  return { chain: { ...chain, sendEpoch: epoch, links }, index: ctr, key };
}

/** The receive key `index` of `epoch` (skipped keys are kept for out-of-order arrival). */
export function recvKey(chain: PqChain, epoch: number, index: number): { chain: PqChain; key: Uint8Array } {
  const at = epochIndex(chain, epoch);
  const link = chain.links[at] as ChainEpoch;
  const { dir, key } = directionKey(link.recv, index, chain.maxJump, chain.maxOooKeys);
  const links = chain.links.slice();
  links[at] = { send: link.send, recv: dir };
  return { chain: { ...chain, links }, key };
}

function directionKey(
  d: ChainDirection,
  at: number,
  maxJump: number,
  maxOoo: number,
): { dir: ChainDirection; key: Uint8Array } {
  if (at < d.ctr) {
    if (at + maxOoo < d.ctr)
      throw new ProtocolError('InvalidMessage', `SPQR: key trimmed: ${at}`, { index: at });
    const key = d.prev.get(at);
    if (key === undefined)
      throw new ProtocolError('InvalidMessage', `SPQR: key already requested: ${at}`, { index: at });
    const prev = new Map(d.prev);
    prev.delete(at);
    return { dir: { ...d, prev }, key };
  }
  if (at === d.ctr)
    throw new ProtocolError('InvalidMessage', `SPQR: key already requested: ${at}`, { index: at });
  if (at - d.ctr > maxJump) throw new ProtocolError('InvalidMessage', `SPQR: key jump ${d.ctr} -> ${at}`);
  if (d.next.length !== 32) throw new ProtocolError('InvalidMessage', 'SPQR: receive chain retired');
  let prev: Map<number, Uint8Array> | ReadonlyMap<number, Uint8Array> = d.prev;
  let mutable: Map<number, Uint8Array> | undefined;
  const writable = (): Map<number, Uint8Array> => {
    mutable ??= new Map(prev);
    prev = mutable;
    return mutable;
  };
  if (at > d.ctr + maxOoo && prev.size > 0) {
    mutable = new Map();
    prev = mutable;
  }
  let ctr = d.ctr;
  let next = d.next;
  while (at > ctr + 1) {
    ctr += 1;
    const s = step(next, ctr);
    next = s.next;
    if (ctr + maxOoo >= at) writable().set(ctr, s.key.slice());
  }
  // The reference trims only once the history exceeds 110% of the limit.
  if (prev.size >= Math.floor((maxOoo * 11) / 10) + 1) {
    const horizon = ctr - maxOoo;
    const w = writable();
    for (const index of [...w.keys()]) if (index < horizon) w.delete(index);
  }
  ctr += 1;
  const last = step(next, ctr);
  return { dir: { ctr, next: last.next.slice(), prev }, key: last.key.slice() };
}
