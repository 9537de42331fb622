/**
 * The ML-KEM braid of SPQR v1 (Signal's SPQR specification, "ML-KEM Braid",
 * chunked variant): the two parties take turns per epoch, one sending an
 * ML-KEM-768 encapsulation key (header first, then the vector), the other the
 * two-part ciphertext, every piece cut into erasure-coded chunks that ride on
 * ordinary messages. Each epoch yields one 32-byte secret, to the ciphertext
 * sender as soon as it samples ct1 and to the key sender once ct2 arrives.
 *
 * Send-key side:  KeysUnsampled → KeysSampled → HeaderSent → Ct1Received → EkSentCt1Received → (epoch+1) NoHeaderReceived
 * Ciphertext side: NoHeaderReceived → HeaderReceived → Ct1Sampled ⇄ EkReceivedCt1Sampled / Ct1Acknowledged
 *                  → Ct2Sampled → (epoch+1) KeysUnsampled
 *
 * States are immutable values: send and recv return new states, so the caller
 * commits only once the whole message verified.
 */
import { concatBytes, primitives } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import {
  type Authenticator,
  epochBytes,
  MAC_SIZE,
  macCiphertext,
  macHeader,
  newAuthenticator,
  updateAuthenticator,
  verifyCiphertext,
  verifyHeader,
} from './authenticator.js';
import { type Chunk, ChunkDecoder, ChunkEncoder } from './erasure-code.js';
import {
  CIPHERTEXT1_SIZE,
  CIPHERTEXT2_SIZE,
  decapsulate,
  ENCAPSULATION_KEY_SIZE,
  encapsulate1,
  encapsulate2,
  encapsulationKeyMatchesHeader,
  generateKeys,
  HEADER_SIZE,
  KEY_GENERATION_SEED_SIZE,
} from './incremental-mlkem.js';
import { PayloadType } from './message.js';

const SCKA_KEY_LABEL = new TextEncoder().encode('Signal_PQCKA_V1_MLKEM768:SCKA Key');
const ZERO_SALT = new Uint8Array(32);

/** An encoder with the index of the next chunk to emit. */
export interface Sending {
  readonly encoder: ChunkEncoder;
  readonly next: number;
}

interface Base {
  readonly epoch: number;
  readonly auth: Authenticator;
}

export type BraidState =
  | (Base & { tag: 'KeysUnsampled' })
  | (Base & { tag: 'KeysSampled'; ek: Uint8Array; dk: Uint8Array; sendingHdr: Sending })
  | (Base & { tag: 'HeaderSent'; dk: Uint8Array; sendingEk: Sending; receivingCt1: ChunkDecoder })
  | (Base & { tag: 'Ct1Received'; dk: Uint8Array; ct1: Uint8Array; sendingEk: Sending })
  | (Base & { tag: 'EkSentCt1Received'; dk: Uint8Array; ct1: Uint8Array; receivingCt2: ChunkDecoder })
  | (Base & { tag: 'NoHeaderReceived'; receivingHdr: ChunkDecoder })
  | (Base & { tag: 'HeaderReceived'; hdr: Uint8Array; receivingEk: ChunkDecoder })
  | (Base & {
      tag: 'Ct1Sampled';
      hdr: Uint8Array;
      es: Uint8Array;
      ct1: Uint8Array;
      sendingCt1: Sending;
      receivingEk: ChunkDecoder;
    })
  | (Base & {
      tag: 'EkReceivedCt1Sampled';
      es: Uint8Array;
      ek: Uint8Array;
      ct1: Uint8Array;
      sendingCt1: Sending;
    })
  | (Base & {
      tag: 'Ct1Acknowledged';
      hdr: Uint8Array;
      es: Uint8Array;
      ct1: Uint8Array;
      receivingEk: ChunkDecoder;
    })
  | (Base & { tag: 'Ct2Sampled'; sendingCt2: Sending });

export type BraidTag = BraidState['tag'];

/** A secret for the chain: epoch `epoch`'s shared key. */
export interface EpochSecret {
  epoch: number;
  secret: Uint8Array;
}

export interface BraidSend {
  state: BraidState;
  epoch: number;
  type: PayloadType;
  chunk: Chunk | undefined;
  secret: EpochSecret | undefined;
}

export interface BraidRecv {
  state: BraidState;
  secret: EpochSecret | undefined;
}

export type RandomSource = (length: number) => Uint8Array;

/** Lengths of the four braid messages once MACs are appended. */
export const HEADER_MESSAGE_SIZE = HEADER_SIZE + MAC_SIZE;
export const CT2_MESSAGE_SIZE = CIPHERTEXT2_SIZE + MAC_SIZE;

/** The initiator (A2B) starts by sending keys, the responder by waiting for them. */
export function initialBraid(authKey: Uint8Array, initiator: boolean): BraidState {
  const auth = newAuthenticator(authKey);
  return initiator
    ? { tag: 'KeysUnsampled', epoch: 1, auth }
    : { tag: 'NoHeaderReceived', epoch: 1, auth, receivingHdr: new ChunkDecoder(HEADER_MESSAGE_SIZE) };
}

function sending(message: Uint8Array): Sending {
  return { encoder: new ChunkEncoder(message), next: 0 };
}

function emit(s: Sending): [Chunk, Sending] {
  return [s.encoder.chunkAt(s.next & 0xffff), { encoder: s.encoder, next: (s.next + 1) & 0xffff }];
}

/** A copy of the decoder with `chunk` added: the stored decoder stays as it was. */
function received(d: ChunkDecoder, chunk: Chunk): ChunkDecoder {
  const copy = new ChunkDecoder(d.length, new Map(d.chunks));
  copy.addChunk(chunk);
  return copy;
}

function sckaKey(sharedSecret: Uint8Array, epoch: number): Uint8Array {
  return primitives.hkdfSha256(sharedSecret, ZERO_SALT, concatBytes(SCKA_KEY_LABEL, epochBytes(epoch)), 32);
}

function out(state: BraidState, type: PayloadType, chunk?: Chunk, secret?: EpochSecret): BraidSend {
  return { state, epoch: state.epoch, type, chunk, secret };
}

/** The payload of the next outgoing message, and the state after it. */
export function braidSend(s: BraidState, random: RandomSource = primitives.randomBytes): BraidSend {
  const { epoch, auth } = s;
  switch (s.tag) {
    case 'KeysUnsampled': {
      const keys = generateKeys(random(KEY_GENERATION_SEED_SIZE));
      const mac = macHeader(auth, epoch, keys.header);
      const [chunk, sendingHdr] = emit(sending(concatBytes(keys.header, mac)));
      const state: BraidState = {
        tag: 'KeysSampled',
        epoch,
        auth,
        ek: keys.encapsulationKey,
        dk: keys.decapsulationKey,
        sendingHdr,
      };
      return out(state, PayloadType.Hdr, chunk);
    }
    case 'KeysSampled': {
      const [chunk, sendingHdr] = emit(s.sendingHdr);
      return out({ ...s, sendingHdr }, PayloadType.Hdr, chunk);
    }
    case 'HeaderSent': {
      const [chunk, sendingEk] = emit(s.sendingEk);
      return out({ ...s, sendingEk }, PayloadType.Ek, chunk);
    }
    case 'Ct1Received': {
      const [chunk, sendingEk] = emit(s.sendingEk);
      return out({ ...s, sendingEk }, PayloadType.EkCt1Ack, chunk);
    }
    case 'EkSentCt1Received':
      return out(s, PayloadType.Ct1Ack);
    case 'NoHeaderReceived':
      return out(s, PayloadType.None);
    case 'HeaderReceived': {
      const enc = encapsulate1(s.hdr, random(32));
      const secret = sckaKey(enc.sharedSecret, epoch);
      const nextAuth = updateAuthenticator(auth, epoch, secret);
      const [chunk, sendingCt1] = emit(sending(enc.ciphertext1));
      const state: BraidState = {
        tag: 'Ct1Sampled',
        epoch,
        auth: nextAuth,
        hdr: s.hdr,
        es: enc.state,
        ct1: enc.ciphertext1,
        sendingCt1,
        receivingEk: s.receivingEk,
      };
      return out(state, PayloadType.Ct1, chunk, { epoch, secret });
    }
    case 'Ct1Sampled': {
      const [chunk, sendingCt1] = emit(s.sendingCt1);
      return out({ ...s, sendingCt1 }, PayloadType.Ct1, chunk);
    }
    case 'EkReceivedCt1Sampled': {
      const [chunk, sendingCt1] = emit(s.sendingCt1);
      return out({ ...s, sendingCt1 }, PayloadType.Ct1, chunk);
    }
    case 'Ct1Acknowledged':
      return out(s, PayloadType.None);
    case 'Ct2Sampled': {
      const [chunk, sendingCt2] = emit(s.sendingCt2);
      return out({ ...s, sendingCt2 }, PayloadType.Ct2, chunk);
    }
  }
}

function outOfRange(epoch: number): never {
  throw new ProtocolError('InvalidMessage', `SPQR: epoch ${epoch} not in valid range`, { epoch });
}

/** ct2 and its MAC over ct1 ‖ ct2, ready to chunk. */
function sampleCt2(
  auth: Authenticator,
  epoch: number,
  ek: Uint8Array,
  es: Uint8Array,
  ct1: Uint8Array,
): BraidState {
  const ct2 = encapsulate2(ek, es);
  const mac = macCiphertext(auth, epoch, concatBytes(ct1, ct2));
  return { tag: 'Ct2Sampled', epoch, auth, sendingCt2: sending(concatBytes(ct2, mac)) };
}

function checkedEk(ek: Uint8Array, hdr: Uint8Array): Uint8Array {
  if (!encapsulationKeyMatchesHeader(ek, hdr))
    throw new ProtocolError('InvalidMessage', 'SPQR: encapsulation key does not match its header');
  return ek;
}

/**
 * Applies an incoming payload. Messages of older epochs change nothing; a
 * newer epoch than the state can accept is refused (ProtocolError 'InvalidMessage').
 */
export function braidRecv(
  s: BraidState,
  msgEpoch: number,
  type: PayloadType,
  chunk: Chunk | undefined,
): BraidRecv {
  const keep: BraidRecv = { state: s, secret: undefined };
  if (s.tag === 'Ct2Sampled') {
    if (msgEpoch === s.epoch + 1)
      return { state: { tag: 'KeysUnsampled', epoch: s.epoch + 1, auth: s.auth }, secret: undefined };
    if (msgEpoch > s.epoch) outOfRange(msgEpoch);
    return keep;
  }
  if (msgEpoch > s.epoch) outOfRange(msgEpoch);
  if (msgEpoch < s.epoch) return keep;
  const { epoch, auth } = s;
  switch (s.tag) {
    case 'KeysUnsampled':
      return keep;
    case 'KeysSampled': {
      if (type !== PayloadType.Ct1 || chunk === undefined) return keep;
      const receivingCt1 = received(new ChunkDecoder(CIPHERTEXT1_SIZE), chunk);
      const state: BraidState = {
        tag: 'HeaderSent',
        epoch,
        auth,
        dk: s.dk,
        sendingEk: sending(s.ek),
        receivingCt1,
      };
      return { state, secret: undefined };
    }
    case 'HeaderSent': {
      if (type !== PayloadType.Ct1 || chunk === undefined) return keep;
      const receivingCt1 = received(s.receivingCt1, chunk);
      const ct1 = receivingCt1.decoded();
      if (ct1 === undefined) return { state: { ...s, receivingCt1 }, secret: undefined };
      return {
        state: { tag: 'Ct1Received', epoch, auth, dk: s.dk, ct1, sendingEk: s.sendingEk },
        secret: undefined,
      };
    }
    case 'Ct1Received': {
      if (type !== PayloadType.Ct2 || chunk === undefined) return keep;
      const receivingCt2 = received(new ChunkDecoder(CT2_MESSAGE_SIZE), chunk);
      return {
        state: { tag: 'EkSentCt1Received', epoch, auth, dk: s.dk, ct1: s.ct1, receivingCt2 },
        secret: undefined,
      };
    }
    case 'EkSentCt1Received': {
      if (type !== PayloadType.Ct2 || chunk === undefined) return keep;
      const receivingCt2 = received(s.receivingCt2, chunk);
      const decoded = receivingCt2.decoded();
      if (decoded === undefined) return { state: { ...s, receivingCt2 }, secret: undefined };
      const ct2 = decoded.subarray(0, CIPHERTEXT2_SIZE);
      const mac = decoded.subarray(CIPHERTEXT2_SIZE);
      const secret = sckaKey(decapsulate(s.dk, s.ct1, ct2), epoch);
      const nextAuth = updateAuthenticator(auth, epoch, secret);
      verifyCiphertext(nextAuth, epoch, concatBytes(s.ct1, ct2), mac);
      const state: BraidState = {
        tag: 'NoHeaderReceived',
        epoch: epoch + 1,
        auth: nextAuth,
        receivingHdr: new ChunkDecoder(HEADER_MESSAGE_SIZE),
      };
      return { state, secret: { epoch, secret } };
    }
    case 'NoHeaderReceived': {
      if (type !== PayloadType.Hdr || chunk === undefined) return keep;
      const receivingHdr = received(s.receivingHdr, chunk);
      const decoded = receivingHdr.decoded();
      if (decoded === undefined) return { state: { ...s, receivingHdr }, secret: undefined };
      const hdr = decoded.slice(0, HEADER_SIZE);
      verifyHeader(auth, epoch, hdr, decoded.subarray(HEADER_SIZE));
      const receivingEk = new ChunkDecoder(ENCAPSULATION_KEY_SIZE);
      return { state: { tag: 'HeaderReceived', epoch, auth, hdr, receivingEk }, secret: undefined };
    }
    case 'HeaderReceived':
      return keep;
    case 'Ct1Sampled': {
      const ack = type === PayloadType.EkCt1Ack;
      if ((type !== PayloadType.Ek && !ack) || chunk === undefined) return keep;
      const receivingEk = received(s.receivingEk, chunk);
      const ek = receivingEk.decoded();
      if (ek !== undefined) {
        checkedEk(ek, s.hdr);
        if (ack) return { state: sampleCt2(auth, epoch, ek, s.es, s.ct1), secret: undefined };
        const state: BraidState = {
          tag: 'EkReceivedCt1Sampled',
          epoch,
          auth,
          es: s.es,
          ek,
          ct1: s.ct1,
          sendingCt1: s.sendingCt1,
        };
        return { state, secret: undefined };
      }
      if (ack) {
        const state: BraidState = {
          tag: 'Ct1Acknowledged',
          epoch,
          auth,
          hdr: s.hdr,
          es: s.es,
          ct1: s.ct1,
          receivingEk,
        };
        return { state, secret: undefined };
      }
      return { state: { ...s, receivingEk }, secret: undefined };
    }
    case 'EkReceivedCt1Sampled': {
      if (type !== PayloadType.Ct1Ack && type !== PayloadType.EkCt1Ack) return keep;
      return { state: sampleCt2(auth, epoch, s.ek, s.es, s.ct1), secret: undefined };
    }
    case 'Ct1Acknowledged': {
      if ((type !== PayloadType.Ek && type !== PayloadType.EkCt1Ack) || chunk === undefined) return keep;
      const receivingEk = received(s.receivingEk, chunk);
      const ek = receivingEk.decoded();
      if (ek === undefined) return { state: { ...s, receivingEk }, secret: undefined };
      return { state: sampleCt2(auth, epoch, checkedEk(ek, s.hdr), s.es, s.ct1), secret: undefined };
    }
  }
}
