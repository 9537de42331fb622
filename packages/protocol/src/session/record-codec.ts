/**
 * tacet's storage schema for session records (not a wire format, and not
 * libsignal's storage.proto). Versioned by field 1 of the outer message:
 * schema 2 (written since SPQR) adds State field 12, the SPQR state
 * (spqr/state-codec.ts); schema 1 records, written before it, still decode,
 * as classic sessions without a post-quantum ratchet (docs/spqr.md);
 * decoding is strict (strict-reader.ts): unknown fields, wrong wire types,
 * repeated singular fields, wrong key lengths, missing fields and counts
 * beyond the protocol limits are all refused with ProtocolError('InvalidMessage').
 *
 *   SessionRecord   { 1 schema uint32 = 2 (or 1); 2 current State; 3 archived State (repeated) }
 *   State           { 1 version; 2 local_identity(33); 3 remote_identity(33); 4 root_key(32);
 *                     5 previous_counter; 6 sender SenderChain; 7 receiver ReceiverChain (rep.);
 *                     8 pending PendingPreKey; 9 local_reg_id; 10 remote_reg_id; 11 alice_base_key(33);
 *                     12 pq_ratchet PqRatchet (schema 2 only; absent for a classic session) }
 *   SenderChain     { 1 ratchet_public(32); 2 ratchet_private(32); 3 chain_key(32); 4 index }
 *   ReceiverChain   { 1 ratchet_public(32); 2 chain_key(32); 3 index; 4 skipped Skipped (rep.) }
 *   Skipped         { 1 counter; 2 seed(32) }
 *   PendingPreKey   { 1 pre_key_id (opt.); 2 signed_pre_key_id; 3 base_key(33); 4 timestamp ms;
 *                     5 kyber_pre_key_id; 6 kyber_ciphertext(1569) }
 */
import { ProtocolError } from '../errors.js';
import { ARCHIVED_STATES_MAX_LENGTH, MAX_MESSAGE_KEYS, MAX_RECEIVER_CHAINS } from '../limits.js';
import { decodePqRatchet, pqRatchetCapacity, writePqRatchet } from '../spqr/state-codec.js';
import { ProtobufWriter } from '../wire/protobuf.js';
import type { PendingPreKey, ReceiverChain, SenderChain, SessionState } from './session-state.js';
import { SESSION_VERSION } from './session-state.js';
import { readStrict } from './strict-reader.js';

/** The storage schema version this code writes. */
export const SESSION_RECORD_SCHEMA = 2;
/** Records written before SPQR: no State field 12. */
export const SESSION_RECORD_SCHEMA_CLASSIC = 1;

const KEM_CIPHERTEXT_SERIALIZED = 1569;

/**
 * Encodes a record's states into one buffer sized up front, nested messages
 * written in place (ProtobufWriter.message): a live message saves the record
 * once on each side, and SPQR states make it kilobytes long, so one copy of
 * each state instead of one per nesting level.
 */
export function encodeSessionRecord(current: SessionState | undefined, archived: SessionState[]): Uint8Array {
  let capacity = 16;
  if (current !== undefined) capacity += stateCapacity(current);
  for (const s of archived) capacity += stateCapacity(s);
  const w = new ProtobufWriter(capacity);
  w.uint32(1, SESSION_RECORD_SCHEMA);
  if (current !== undefined) w.message(2, (inner) => writeState(inner, current));
  for (const s of archived) w.message(3, (inner) => writeState(inner, s));
  return w.finish();
}

/** Strictly decodes bytes from `encodeSessionRecord`. */
export function decodeSessionRecord(bytes: Uint8Array): { current?: SessionState; archived: SessionState[] } {
  if (!(bytes instanceof Uint8Array))
    throw new TypeError('SessionRecord.deserialize: bytes must be a Uint8Array');
  const f = readStrict(bytes, 'SessionRecord', { 1: 'uint32', 2: 'bytes', 3: 'bytes[]' });
  const schema = f.optionalUint(1);
  if (schema !== SESSION_RECORD_SCHEMA && schema !== SESSION_RECORD_SCHEMA_CLASSIC) {
    throw new ProtocolError('InvalidMessage', `SessionRecord: unknown schema ${schema}`);
  }
  const decode = (b: Uint8Array) => decodeState(b, schema);
  const archived = f.repeated(3, ARCHIVED_STATES_MAX_LENGTH).map(decode);
  const current = f.optionalBytes(2);
  return current === undefined ? { archived } : { current: decode(current), archived };
}

/** Bytes `writeState` needs at most (framing is generous; the writer grows if ever short). */
function stateCapacity(s: SessionState): number {
  let bytes = 512 + (s.pqRatchet === undefined ? 0 : pqRatchetCapacity(s.pqRatchet));
  for (const chain of s.receiverChains) bytes += 96 + chain.skipped.size * 40;
  if (s.pendingPreKey !== undefined) bytes += 64 + s.pendingPreKey.kyberCiphertext.length;
  return bytes;
}

function writeState(w: ProtobufWriter, s: SessionState): void {
  w.uint32(1, s.version)
    .bytes(2, s.localIdentityKey)
    .bytes(3, s.remoteIdentityKey)
    .bytes(4, s.rootKey)
    .uint32(5, s.previousCounter)
    .message(6, (inner) => writeSender(inner, s.senderChain));
  for (const chain of s.receiverChains) w.message(7, (inner) => writeReceiver(inner, chain));
  const pending = s.pendingPreKey;
  if (pending !== undefined) w.message(8, (inner) => writePending(inner, pending));
  w.uint32(9, s.localRegistrationId).uint32(10, s.remoteRegistrationId).bytes(11, s.aliceBaseKey);
  const pq = s.pqRatchet;
  if (pq !== undefined) w.message(12, (inner) => writePqRatchet(inner, pq));
}

const STATE_SCHEMA = {
  1: 'uint32',
  2: 'bytes',
  3: 'bytes',
  4: 'bytes',
  5: 'uint32',
  6: 'bytes',
  7: 'bytes[]',
  8: 'bytes',
  9: 'uint32',
  10: 'uint32',
  11: 'bytes',
} as const;
const STATE_SCHEMA_V2 = { ...STATE_SCHEMA, 12: 'bytes' } as const;

function decodeState(bytes: Uint8Array, schema: number): SessionState {
  const f = readStrict(
    bytes,
    'SessionState',
    schema === SESSION_RECORD_SCHEMA ? STATE_SCHEMA_V2 : STATE_SCHEMA,
  );
  const pq = f.optionalBytes(12);
  if (f.uint(1) !== SESSION_VERSION) f.fail(`unsupported session version ${f.uint(1)}`);
  const sender = f.optionalBytes(6) ?? f.fail('missing sender chain');
  const pending = f.optionalBytes(8);
  return {
    version: SESSION_VERSION,
    localIdentityKey: f.bytes(2, 33),
    remoteIdentityKey: f.bytes(3, 33),
    rootKey: f.bytes(4, 32),
    previousCounter: f.uint(5),
    senderChain: decodeSender(sender),
    receiverChains: f.repeated(7, MAX_RECEIVER_CHAINS).map(decodeReceiver),
    pendingPreKey: pending === undefined ? undefined : decodePending(pending),
    localRegistrationId: f.uint(9),
    remoteRegistrationId: f.uint(10),
    aliceBaseKey: f.bytes(11, 33),
    pqRatchet: pq === undefined ? undefined : decodePqRatchet(pq),
  };
}

function writeSender(w: ProtobufWriter, c: SenderChain): void {
  w.bytes(1, c.ratchetPublic).bytes(2, c.ratchetPrivate).bytes(3, c.chainKey).uint32(4, c.index);
}

function decodeSender(bytes: Uint8Array): SenderChain {
  const f = readStrict(bytes, 'SenderChain', { 1: 'bytes', 2: 'bytes', 3: 'bytes', 4: 'uint32' });
  return {
    ratchetPublic: f.bytes(1, 32),
    ratchetPrivate: f.bytes(2, 32),
    chainKey: f.bytes(3, 32),
    index: f.uint(4),
  };
}

function writeReceiver(w: ProtobufWriter, c: ReceiverChain): void {
  w.bytes(1, c.ratchetPublic).bytes(2, c.chainKey).uint32(3, c.index);
  for (const [counter, seed] of c.skipped) w.message(4, (entry) => entry.uint32(1, counter).bytes(2, seed));
}

function decodeReceiver(bytes: Uint8Array): ReceiverChain {
  const f = readStrict(bytes, 'ReceiverChain', { 1: 'bytes', 2: 'bytes', 3: 'uint32', 4: 'bytes[]' });
  const index = f.uint(3);
  const skipped = new Map<number, Uint8Array>();
  for (const entry of f.repeated(4, MAX_MESSAGE_KEYS)) {
    const k = readStrict(entry, 'SkippedKey', { 1: 'uint32', 2: 'bytes' });
    const counter = k.uint(1);
    if (counter >= index || skipped.has(counter)) f.fail(`bad skipped counter ${counter}`);
    skipped.set(counter, k.bytes(2, 32));
  }
  return { ratchetPublic: f.bytes(1, 32), chainKey: f.bytes(2, 32), index, skipped };
}

function writePending(w: ProtobufWriter, p: PendingPreKey): void {
  if (p.preKeyId !== undefined) w.uint32(1, p.preKeyId);
  w.uint32(2, p.signedPreKeyId)
    .bytes(3, p.baseKey)
    .uint64(4, BigInt(p.timestamp))
    .uint32(5, p.kyberPreKeyId)
    .bytes(6, p.kyberCiphertext);
}

function decodePending(bytes: Uint8Array): PendingPreKey {
  const schema = { 1: 'uint32', 2: 'uint32', 3: 'bytes', 4: 'uint53', 5: 'uint32', 6: 'bytes' } as const;
  const f = readStrict(bytes, 'PendingPreKey', schema);
  return {
    preKeyId: f.optionalUint(1),
    signedPreKeyId: f.uint(2),
    baseKey: f.bytes(3, 33),
    timestamp: f.uint(4),
    kyberPreKeyId: f.uint(5),
    kyberCiphertext: f.bytes(6, KEM_CIPHERTEXT_SERIALIZED),
  };
}
