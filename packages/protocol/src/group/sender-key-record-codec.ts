/**
 * tacet's storage schema for SenderKeyRecord (storage only, never on the wire;
 * docs/protocol.md §5.7 keeps wire and storage schemas apart):
 *
 *   SenderKeyRecord { 1 format uint32 (= 1); 2 repeated SenderKeyState }
 *   SenderKeyState  { 1 message_version uint32; 2 chain_id uint32;
 *                     3 iteration uint32; 4 chain_key bytes(32);
 *                     5 signing_public bytes(33); 6 signing_private bytes(32), optional;
 *                     7 skipped bytes: n × (iteration u32 big-endian ‖ seed 32) }
 *
 * Decoding is strict: unknown fields, duplicates, wrong lengths, more states
 * or skipped keys than the limits, or skipped iterations that are not strictly
 * increasing and below the chain's iteration all throw
 * ProtocolError('InvalidSenderKeySession').
 */
import {
  EC_PRIVATE_KEY_LENGTH,
  EC_PUBLIC_KEY_LENGTH,
  SENDER_KEY_MAX_MESSAGE_KEYS,
  SENDER_KEY_MAX_STATES,
} from '../limits.js';
import { ProtobufWriter } from '../wire/protobuf.js';
import { internPrivateKey, internPublicKey } from './key-intern.js';
import {
  type DecodeOptions,
  decodeFields,
  fail,
  optionalBytes,
  repeatedBytes,
  requireBytes,
  requireUint32,
} from './proto-fields.js';
import { SenderKeyState } from './sender-key-state.js';
import { SENDER_KEY_VERSION } from './sender-key-version.js';

const FORMAT = 1;
const SKIPPED_ENTRY = 4 + 32;
const RECORD: DecodeOptions = {
  what: 'SenderKeyRecord',
  code: 'InvalidSenderKeySession',
  rejectUnknown: true,
  maxRepeated: SENDER_KEY_MAX_STATES,
};
const STATE: DecodeOptions = { what: 'SenderKeyState', code: 'InvalidSenderKeySession', rejectUnknown: true };
const RECORD_FIELDS = { 1: 'uint32', 2: 'repeated-bytes' } as const;
const STATE_FIELDS = {
  1: 'uint32',
  2: 'uint32',
  3: 'uint32',
  4: 'bytes',
  5: 'bytes',
  6: 'bytes',
  7: 'bytes',
} as const;

/** Encodes states, newest first. */
export function encodeSenderKeyRecord(states: readonly SenderKeyState[]): Uint8Array {
  const writer = new ProtobufWriter().uint32(1, FORMAT);
  for (const state of states) writer.bytes(2, encodeState(state));
  return writer.finish();
}

function encodeState(state: SenderKeyState): Uint8Array {
  const writer = new ProtobufWriter()
    .uint32(1, state.messageVersion)
    .uint32(2, state.chainId)
    .uint32(3, state.iteration)
    .bytes(4, state.chainKey)
    .bytes(5, state.signingKey.serialize());
  if (state.signingPrivateKey !== undefined) writer.bytes(6, state.signingPrivateKey.serialize());
  if (state.skipped.size > 0) writer.bytes(7, encodeSkipped(state.skipped));
  return writer.finish();
}

function encodeSkipped(skipped: ReadonlyMap<number, Uint8Array>): Uint8Array {
  const out = new Uint8Array(skipped.size * SKIPPED_ENTRY);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const [iteration, seed] of skipped) {
    view.setUint32(offset, iteration);
    out.set(seed, offset + 4);
    offset += SKIPPED_ENTRY;
  }
  return out;
}

/** Decodes a stored record; see the module comment for what is refused. */
export function decodeSenderKeyRecord(bytes: Uint8Array): SenderKeyState[] {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('SenderKeyRecord bytes must be a Uint8Array');
  const f = decodeFields(bytes, RECORD_FIELDS, RECORD);
  if (requireUint32(f, 1, RECORD) !== FORMAT) fail(RECORD, 'unknown format');
  const states = repeatedBytes(f, 2).map(decodeState);
  const chainIds = new Set(states.map((s) => s.chainId));
  if (chainIds.size !== states.length) fail(RECORD, 'two states share a chain id');
  return states;
}

function decodeState(bytes: Uint8Array): SenderKeyState {
  const f = decodeFields(bytes, STATE_FIELDS, STATE);
  const messageVersion = requireUint32(f, 1, STATE);
  if (messageVersion !== SENDER_KEY_VERSION) fail(STATE, `unsupported version ${messageVersion}`);
  const iteration = requireUint32(f, 3, STATE);
  const signingKey = decodeKey(() => internPublicKey(requireBytes(f, 5, STATE, EC_PUBLIC_KEY_LENGTH)));
  const privateBytes = optionalBytes(f, 6);
  if (privateBytes !== undefined && privateBytes.length !== EC_PRIVATE_KEY_LENGTH)
    fail(STATE, 'bad private key');
  return new SenderKeyState({
    messageVersion,
    chainId: requireUint32(f, 2, STATE),
    iteration,
    chainKey: requireBytes(f, 4, STATE, 32),
    signingKey,
    signingPrivateKey:
      privateBytes === undefined ? undefined : decodeKey(() => internPrivateKey(signingKey, privateBytes)),
    skipped: decodeSkipped(optionalBytes(f, 7), iteration),
  });
}

function decodeSkipped(bytes: Uint8Array | undefined, iteration: number): Map<number, Uint8Array> {
  const skipped = new Map<number, Uint8Array>();
  if (bytes === undefined) return skipped;
  if (bytes.length % SKIPPED_ENTRY !== 0 || bytes.length / SKIPPED_ENTRY > SENDER_KEY_MAX_MESSAGE_KEYS) {
    fail(STATE, 'bad skipped keys');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let previous = -1;
  for (let offset = 0; offset < bytes.length; offset += SKIPPED_ENTRY) {
    const at = view.getUint32(offset);
    // Strictly increasing and below the chain: what the state itself guarantees.
    if (at <= previous || at >= iteration) fail(STATE, 'skipped key iterations out of order');
    skipped.set(at, bytes.slice(offset + 4, offset + SKIPPED_ENTRY));
    previous = at;
  }
  return skipped;
}

function decodeKey<T>(parse: () => T): T {
  try {
    return parse();
  } catch {
    return fail(STATE, 'bad key');
  }
}
