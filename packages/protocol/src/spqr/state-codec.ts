/**
 * tacet's storage schema for an SPQR state (inside session record schema 2;
 * not libsignal's pq_ratchet.proto). Strictly decoded like the rest of the
 * record: unknown fields, wrong lengths, fields a braid state does not have,
 * and sizes beyond the protocol's bounds are refused with
 * ProtocolError('InvalidMessage').
 *
 *   PqRatchet { 1 braid Braid; 2 chain Chain }
 *   Chain     { 1 direction (0 A2B, 1 B2A); 2 current_epoch; 3 send_epoch; 4 link Link (rep.);
 *               5 next_root(32); 6 max_jump; 7 max_ooo_keys }
 *   Link      { 1 send Dir; 2 recv Dir }
 *   Dir       { 1 ctr; 2 next (32, or absent once retired); 3 prev: (BE32 index ‖ key(32))* }
 *   Braid     { 1 tag; 2 epoch; 3 auth_root(32); 4 auth_mac(32); 5 ek; 6 dk; 7 hdr; 8 es; 9 ct1;
 *               10 sending Sending; 11 receiving Receiving }
 *   Sending   { 1 message; 2 next chunk index }
 *   Receiving { 1 message length; 2 chunks: (BE16 index ‖ data(32))* }
 */
import { MAX_FORWARD_JUMPS, MAX_MESSAGE_KEYS, MAX_SELF_FORWARD_JUMPS } from '../limits.js';
import { readStrict, type StrictFields } from '../session/strict-reader.js';
import { ProtobufWriter } from '../wire/protobuf.js';
import {
  type BraidState,
  type BraidTag,
  CT2_MESSAGE_SIZE,
  HEADER_MESSAGE_SIZE,
  type Sending,
} from './braid.js';
import { CHUNK_SIZE, ChunkDecoder, ChunkEncoder, chunksNeeded } from './erasure-code.js';
import {
  CIPHERTEXT1_SIZE,
  DECAPSULATION_KEY_SIZE,
  ENCAPSULATION_KEY_SIZE,
  ENCAPSULATION_STATE_SIZE,
  HEADER_SIZE,
} from './incremental-mlkem.js';
import type { ChainDirection, ChainEpoch, PqChain } from './pq-chain.js';
import type { PqRatchetState } from './ratchet.js';

const TAGS: readonly BraidTag[] = [
  'KeysUnsampled',
  'KeysSampled',
  'HeaderSent',
  'Ct1Received',
  'EkSentCt1Received',
  'NoHeaderReceived',
  'HeaderReceived',
  'Ct1Sampled',
  'EkReceivedCt1Sampled',
  'Ct1Acknowledged',
  'Ct2Sampled',
];

/** The byte fields each state holds, with their lengths, and what it sends or receives. */
const LAYOUT: Record<
  BraidTag,
  { bytes: Partial<Record<'ek' | 'dk' | 'hdr' | 'es' | 'ct1', number>>; sending?: number; receiving?: number }
> = {
  KeysUnsampled: { bytes: {} },
  KeysSampled: {
    bytes: { ek: ENCAPSULATION_KEY_SIZE, dk: DECAPSULATION_KEY_SIZE },
    sending: HEADER_MESSAGE_SIZE,
  },
  HeaderSent: {
    bytes: { dk: DECAPSULATION_KEY_SIZE },
    sending: ENCAPSULATION_KEY_SIZE,
    receiving: CIPHERTEXT1_SIZE,
  },
  Ct1Received: {
    bytes: { dk: DECAPSULATION_KEY_SIZE, ct1: CIPHERTEXT1_SIZE },
    sending: ENCAPSULATION_KEY_SIZE,
  },
  EkSentCt1Received: {
    bytes: { dk: DECAPSULATION_KEY_SIZE, ct1: CIPHERTEXT1_SIZE },
    receiving: CT2_MESSAGE_SIZE,
  },
  NoHeaderReceived: { bytes: {}, receiving: HEADER_MESSAGE_SIZE },
  HeaderReceived: { bytes: { hdr: HEADER_SIZE }, receiving: ENCAPSULATION_KEY_SIZE },
  Ct1Sampled: {
    bytes: { hdr: HEADER_SIZE, es: ENCAPSULATION_STATE_SIZE, ct1: CIPHERTEXT1_SIZE },
    sending: CIPHERTEXT1_SIZE,
    receiving: ENCAPSULATION_KEY_SIZE,
  },
  EkReceivedCt1Sampled: {
    bytes: { es: ENCAPSULATION_STATE_SIZE, ek: ENCAPSULATION_KEY_SIZE, ct1: CIPHERTEXT1_SIZE },
    sending: CIPHERTEXT1_SIZE,
  },
  Ct1Acknowledged: {
    bytes: { hdr: HEADER_SIZE, es: ENCAPSULATION_STATE_SIZE, ct1: CIPHERTEXT1_SIZE },
    receiving: ENCAPSULATION_KEY_SIZE,
  },
  Ct2Sampled: { bytes: {}, sending: CT2_MESSAGE_SIZE },
};

const BYTE_FIELDS = { ek: 5, dk: 6, hdr: 7, es: 8, ct1: 9 } as const;
/** Links beyond the send epoch's predecessor are dropped, but receive epochs may run one ahead. */
const MAX_LINKS = 8;

/**
 * One writer for the whole state, nested messages written in place: this
 * runs twice per message with stores that keep bytes.
 */
export function encodePqRatchet(s: PqRatchetState): Uint8Array {
  const w = new ProtobufWriter(pqRatchetCapacity(s));
  writePqRatchet(w, s);
  return w.finish();
}

/** Bytes `writePqRatchet` needs at most, to size an enclosing writer once. */
export function pqRatchetCapacity(s: PqRatchetState): number {
  return braidCapacity(s.braid) + chainCapacity(s.chain);
}

/** Writes the fields of the PqRatchet message into `w`: a session record embeds it in place. */
export function writePqRatchet(w: ProtobufWriter, s: PqRatchetState): void {
  w.message(1, (inner) => writeBraid(inner, s.braid)).message(2, (inner) => writeChain(inner, s.chain));
}

export function decodePqRatchet(bytes: Uint8Array): PqRatchetState {
  const f = readStrict(bytes, 'PqRatchet', { 1: 'bytes', 2: 'bytes' });
  return {
    braid: decodeBraid(f.optionalBytes(1) ?? f.fail('missing braid')),
    chain: decodeChain(f.optionalBytes(2) ?? f.fail('missing chain')),
  };
}

/** What a braid state sends and receives, found by shape (the field names differ per state). */
function slots(s: BraidState): { sending?: Sending; receiving?: ChunkDecoder } {
  const values = Object.values(s) as unknown[];
  return {
    sending: values.find((v): v is Sending => typeof v === 'object' && v !== null && 'encoder' in v),
    receiving: values.find((v): v is ChunkDecoder => v instanceof ChunkDecoder),
  };
}

/** The byte fields, the message being sent and the chunks received, plus framing. */
function braidCapacity(s: BraidState): number {
  const fields = s as unknown as Record<string, unknown>;
  const { sending, receiving } = slots(s);
  let bytes = 128;
  for (const name of Object.keys(BYTE_FIELDS)) {
    const v = fields[name];
    if (v instanceof Uint8Array) bytes += v.length;
  }
  return (
    bytes +
    (sending?.encoder.message.length ?? 0) +
    (receiving === undefined ? 0 : receiving.chunks.size * (2 + CHUNK_SIZE))
  );
}

function writeBraid(w: ProtobufWriter, s: BraidState): void {
  const fields = s as unknown as Record<string, unknown>;
  const { sending, receiving } = slots(s);
  w.uint32(1, TAGS.indexOf(s.tag))
    .uint64(2, BigInt(s.epoch))
    .bytes(3, s.auth.rootKey)
    .bytes(4, s.auth.macKey);
  for (const [name, field] of Object.entries(BYTE_FIELDS)) {
    const v = fields[name];
    if (v instanceof Uint8Array) w.bytes(field, v);
  }
  if (sending !== undefined)
    w.message(10, (m) => m.bytes(1, sending.encoder.message).uint32(2, sending.next));
  if (receiving !== undefined)
    w.message(11, (m) => m.uint32(1, receiving.length).bytes(2, chunkList(receiving)));
}

function decodeBraid(bytes: Uint8Array): BraidState {
  const f = readStrict(bytes, 'SpqrBraid', {
    1: 'uint32',
    2: 'uint53',
    3: 'bytes',
    4: 'bytes',
    5: 'bytes',
    6: 'bytes',
    7: 'bytes',
    8: 'bytes',
    9: 'bytes',
    10: 'bytes',
    11: 'bytes',
  });
  const tag = TAGS[f.uint(1)] ?? f.fail('unknown braid state');
  const epoch = f.uint(2);
  if (epoch < 1) f.fail('epoch 0');
  const layout = LAYOUT[tag];
  const state: Record<string, unknown> = {
    tag,
    epoch,
    auth: { rootKey: f.bytes(3, 32), macKey: f.bytes(4, 32) },
  };
  for (const [name, field] of Object.entries(BYTE_FIELDS)) {
    const length = layout.bytes[name as keyof typeof BYTE_FIELDS];
    if (length === undefined) {
      if (f.optionalBytes(field) !== undefined) f.fail(`${tag} has no field ${name}`);
    } else state[name] = f.bytes(field, length);
  }
  const sendingBytes = f.optionalBytes(10);
  const receivingBytes = f.optionalBytes(11);
  if ((layout.sending === undefined) !== (sendingBytes === undefined))
    f.fail(`${tag}: sending field mismatch`);
  if ((layout.receiving === undefined) !== (receivingBytes === undefined))
    f.fail(`${tag}: receiving field mismatch`);
  const names = SLOT_NAMES[tag];
  if (sendingBytes !== undefined)
    state[names.sending as string] = decodeSending(sendingBytes, layout.sending as number);
  if (receivingBytes !== undefined)
    state[names.receiving as string] = decodeReceiving(receivingBytes, layout.receiving as number);
  return state as unknown as BraidState;
}

const SLOT_NAMES: Record<BraidTag, { sending?: string; receiving?: string }> = {
  KeysUnsampled: {},
  KeysSampled: { sending: 'sendingHdr' },
  HeaderSent: { sending: 'sendingEk', receiving: 'receivingCt1' },
  Ct1Received: { sending: 'sendingEk' },
  EkSentCt1Received: { receiving: 'receivingCt2' },
  NoHeaderReceived: { receiving: 'receivingHdr' },
  HeaderReceived: { receiving: 'receivingEk' },
  Ct1Sampled: { sending: 'sendingCt1', receiving: 'receivingEk' },
  EkReceivedCt1Sampled: { sending: 'sendingCt1' },
  Ct1Acknowledged: { receiving: 'receivingEk' },
  Ct2Sampled: { sending: 'sendingCt2' },
};

function decodeSending(bytes: Uint8Array, length: number): Sending {
  const f = readStrict(bytes, 'SpqrSending', { 1: 'bytes', 2: 'uint32' });
  const next = f.uint(2);
  if (next > 0xffff) f.fail('chunk index beyond 16 bits');
  return { encoder: new ChunkEncoder(f.bytes(1, length)), next };
}

/** Receiving's chunk list: (BE16 index ‖ data)*. */
function chunkList(d: ChunkDecoder): Uint8Array {
  const chunks = new Uint8Array(d.chunks.size * (2 + CHUNK_SIZE));
  let at = 0;
  for (const [index, data] of d.chunks) {
    chunks[at] = index >> 8;
    chunks[at + 1] = index & 0xff;
    chunks.set(data, at + 2);
    at += 2 + CHUNK_SIZE;
  }
  return chunks;
}

function decodeReceiving(bytes: Uint8Array, length: number): ChunkDecoder {
  const f = readStrict(bytes, 'SpqrReceiving', { 1: 'uint32', 2: 'bytes' });
  if (f.uint(1) !== length) f.fail('wrong message length');
  const raw = f.optionalBytes(2) ?? new Uint8Array(0);
  const entry = 2 + CHUNK_SIZE;
  // The decoder keeps at most twice the chunks it needs (erasure-code.ts).
  if (raw.length % entry !== 0 || raw.length / entry > 2 * chunksNeeded(length)) f.fail('bad chunk list');
  const chunks = new Map<number, Uint8Array>();
  for (let at = 0; at < raw.length; at += entry) {
    const index = ((raw[at] as number) << 8) | (raw[at + 1] as number);
    if (chunks.has(index)) f.fail('repeated chunk');
    chunks.set(index, raw.slice(at + 2, at + entry));
  }
  return new ChunkDecoder(length, chunks);
}

/** Framing and chain keys per link and direction, plus the skipped keys. */
function chainCapacity(c: PqChain): number {
  let bytes = 96;
  for (const link of c.links) bytes += 2 * 56 + (link.send.prev.size + link.recv.prev.size) * KEY_ENTRY;
  return bytes;
}

function writeChain(w: ProtobufWriter, c: PqChain): void {
  w.uint32(1, c.direction === 'A2B' ? 0 : 1)
    .uint64(2, BigInt(c.currentEpoch))
    .uint64(3, BigInt(c.sendEpoch));
  for (const link of c.links)
    w.message(4, (l) =>
      l.message(1, (d) => writeDir(d, link.send)).message(2, (d) => writeDir(d, link.recv)),
    );
  w.bytes(5, c.nextRoot).uint32(6, c.maxJump).uint32(7, c.maxOooKeys);
}

function decodeChain(bytes: Uint8Array): PqChain {
  const f = readStrict(bytes, 'SpqrChain', {
    1: 'uint32',
    2: 'uint53',
    3: 'uint53',
    4: 'bytes[]',
    5: 'bytes',
    6: 'uint32',
    7: 'uint32',
  });
  const dir = f.uint(1);
  if (dir > 1) f.fail('unknown direction');
  const currentEpoch = f.uint(2);
  const sendEpoch = f.uint(3);
  const links = f.repeated(4, MAX_LINKS).map((b): ChainEpoch => {
    const l = readStrict(b, 'SpqrLink', { 1: 'bytes', 2: 'bytes' });
    return {
      send: decodeDir(l.optionalBytes(1) ?? l.fail('missing send'), l),
      recv: decodeDir(l.optionalBytes(2) ?? l.fail('missing recv'), l),
    };
  });
  if (links.length === 0 || links.length > currentEpoch + 1 || sendEpoch > currentEpoch) f.fail('bad epochs');
  const maxJump = f.uint(6);
  const maxOooKeys = f.uint(7);
  if (
    maxOooKeys !== MAX_MESSAGE_KEYS ||
    (maxJump !== MAX_FORWARD_JUMPS && maxJump !== MAX_SELF_FORWARD_JUMPS)
  )
    f.fail('unknown chain limits');
  return {
    direction: dir === 0 ? 'A2B' : 'B2A',
    currentEpoch,
    sendEpoch,
    links,
    nextRoot: f.bytes(5, 32),
    maxJump,
    maxOooKeys,
  };
}

const KEY_ENTRY = 4 + 32;

// Dir's key history is (BE32 index ‖ key)*, written and read byte by byte and skipped when empty (the
// usual case): both run for every chain direction of every message, and a DataView each cost more.
function writeDir(w: ProtobufWriter, d: ChainDirection): void {
  w.uint32(1, d.ctr);
  if (d.next.length > 0) w.bytes(2, d.next);
  if (d.prev.size > 0) w.bytes(3, packKeyHistory(d.prev));
}

function packKeyHistory(prev: ReadonlyMap<number, Uint8Array>): Uint8Array {
  const out = new Uint8Array(prev.size * KEY_ENTRY);
  let at = 0;
  for (const [index, key] of prev) {
    out[at] = index >>> 24;
    out[at + 1] = (index >>> 16) & 0xff;
    out[at + 2] = (index >>> 8) & 0xff;
    out[at + 3] = index & 0xff;
    out.set(key, at + 4);
    at += KEY_ENTRY;
  }
  return out;
}

function decodeDir(bytes: Uint8Array, parent: StrictFields): ChainDirection {
  const f = readStrict(bytes, 'SpqrChainDirection', { 1: 'uint32', 2: 'bytes', 3: 'bytes' });
  const next = f.optionalBytes(2);
  if (next !== undefined && next.length !== 32) parent.fail('bad chain key');
  const raw = f.optionalBytes(3);
  const ctr = f.uint(1);
  const prev = raw === undefined ? new Map<number, Uint8Array>() : unpackKeyHistory(raw, ctr, parent);
  return { ctr, next: next === undefined ? new Uint8Array(0) : next.slice(), prev };
}

function unpackKeyHistory(raw: Uint8Array, ctr: number, parent: StrictFields): Map<number, Uint8Array> {
  // The reference trims at 110% of the limit, so the history may briefly exceed it.
  if (raw.length % KEY_ENTRY !== 0 || raw.length / KEY_ENTRY > Math.floor((MAX_MESSAGE_KEYS * 11) / 10) + 1)
    parent.fail('bad key history');
  const prev = new Map<number, Uint8Array>();
  for (let at = 0; at < raw.length; at += KEY_ENTRY) {
    const index =
      (((raw[at] as number) << 24) |
        ((raw[at + 1] as number) << 16) |
        ((raw[at + 2] as number) << 8) |
        (raw[at + 3] as number)) >>>
      0;
    if (index >= ctr || prev.has(index)) parent.fail('bad key history index');
    prev.set(index, raw.slice(at + 4, at + KEY_ENTRY));
  }
  return prev;
}
