/**
 * SenderKeyDistributionMessage (docs/protocol.md §6 "SKDM"): `0x33 ‖ protobuf{1
 * distribution_uuid, 2 chain_id, 3 iteration, 4 chain_key, 5 signing_key}`,
 * unsigned — it is only ever sent inside a 1:1 encrypted message. This module
 * owns the codec and `create`; processing lives in group-session.ts.
 */
import { primitives } from '../crypto/index.js';
import { KeyPair, PublicKey } from '../keys/index.js';
import { EC_PUBLIC_KEY_LENGTH, SENDER_KEY_DISTRIBUTION_MESSAGE_MAX_LENGTH } from '../limits.js';
import { withRecordLock } from '../record-lock.js';
import type { ProtocolAddress } from '../session/address.js';
import { ProtobufWriter } from '../wire/protobuf.js';
import {
  canonicalDistributionId,
  distributionIdFromBytes,
  distributionIdToBytes,
} from './distribution-id.js';
import { type DecodeOptions, decodeFields, fail, requireBytes, requireUint32 } from './proto-fields.js';
import { SenderKeyRecord } from './sender-key-record.js';
import { SenderKeyState } from './sender-key-state.js';
import { type SenderKeyStore, senderKeyName } from './sender-key-store.js';
import { checkSenderKeyVersion, SENDER_KEY_VERSION, SENDER_KEY_VERSION_BYTE } from './sender-key-version.js';

const DECODE: DecodeOptions = { what: 'SenderKeyDistributionMessage', code: 'InvalidMessage' };
const SKDM_FIELDS = { 1: 'bytes', 2: 'uint32', 3: 'uint32', 4: 'bytes', 5: 'bytes' } as const;
/** libsignal's length floor for this message (docs/protocol.md §6 parser rules). */
const MIN_LENGTH = 65;
const CHAIN_KEY_LENGTH = 32;

/** The contents of a distribution message. */
export interface SenderKeyDistributionFields {
  readonly messageVersion: number;
  readonly distributionId: string;
  readonly chainId: number;
  readonly iteration: number;
  readonly chainKey: Uint8Array;
  readonly signingKey: PublicKey;
}

/**
 * @example
 * const skdm = await SenderKeyDistributionMessage.create(me, distributionId, store);
 * sendOneToOne(member, skdm.serialize());
 * // on the member's side:
 * await processSenderKeyDistributionMessage(sender, SenderKeyDistributionMessage.deserialize(bytes), store);
 */
export class SenderKeyDistributionMessage implements SenderKeyDistributionFields {
  readonly messageVersion: number;
  readonly distributionId: string;
  readonly chainId: number;
  readonly iteration: number;
  readonly chainKey: Uint8Array;
  readonly signingKey: PublicKey;
  private readonly serialized: Uint8Array;

  private constructor(fields: SenderKeyDistributionFields, serialized: Uint8Array) {
    this.messageVersion = fields.messageVersion;
    this.distributionId = fields.distributionId;
    this.chainId = fields.chainId;
    this.iteration = fields.iteration;
    this.chainKey = fields.chainKey;
    this.signingKey = fields.signingKey;
    this.serialized = serialized;
  }

  /**
   * The distribution message of our own chain for `distributionId`, creating
   * the chain on first use (random 31-bit chain id, random chain key,
   * iteration 0, fresh signing key pair). Later calls return the CURRENT
   * iteration and chain key, so a member added later cannot read earlier
   * messages (docs/protocol.md §6 "Creating an SKDM").
   */
  static async create(
    ownAddress: ProtocolAddress,
    distributionIdText: string,
    store: SenderKeyStore,
  ): Promise<SenderKeyDistributionMessage> {
    // canonical spelling (and a misuse check) before touching the store
    const distributionId = canonicalDistributionId(distributionIdText);
    const state = await withRecordLock(store, senderKeyName(ownAddress, distributionId), async () => {
      const record = (await store.getSenderKey(ownAddress, distributionId)) ?? new SenderKeyRecord();
      const current = record.currentState();
      if (current !== undefined) return current;
      const created = newOwnState();
      record.setState(created);
      await store.saveSenderKey(ownAddress, distributionId, record);
      return created;
    });
    return SenderKeyDistributionMessage.fromFields({
      distributionId,
      chainId: state.chainId,
      iteration: state.iteration,
      chainKey: state.chainKey.slice(), // the state zeroizes its own copy as it advances
      signingKey: state.signingKey,
    });
  }

  /** Encodes a distribution message (version 3). */
  static fromFields(
    fields: Omit<SenderKeyDistributionFields, 'messageVersion'>,
  ): SenderKeyDistributionMessage {
    if (fields.chainKey.length !== CHAIN_KEY_LENGTH) throw new RangeError('chainKey must be 32 bytes');
    const body = new ProtobufWriter()
      .bytes(1, distributionIdToBytes(fields.distributionId))
      .uint32(2, fields.chainId)
      .uint32(3, fields.iteration)
      .bytes(4, fields.chainKey)
      .bytes(5, fields.signingKey.serialize())
      .finish();
    const serialized = new Uint8Array(1 + body.length);
    serialized[0] = SENDER_KEY_VERSION_BYTE;
    serialized.set(body, 1);
    return new SenderKeyDistributionMessage({ ...fields, messageVersion: SENDER_KEY_VERSION }, serialized);
  }

  /** Parses strictly: every field present, chain key 32 bytes, signing key 33 bytes of type 0x05. */
  static deserialize(bytes: Uint8Array): SenderKeyDistributionMessage {
    if (!(bytes instanceof Uint8Array))
      throw new TypeError('SenderKeyDistributionMessage bytes must be a Uint8Array');
    if (bytes.length < MIN_LENGTH) fail(DECODE, 'too short');
    if (bytes.length > SENDER_KEY_DISTRIBUTION_MESSAGE_MAX_LENGTH) fail(DECODE, 'too long');
    const messageVersion = checkSenderKeyVersion(bytes[0] as number, DECODE.what);
    const f = decodeFields(bytes.subarray(1), SKDM_FIELDS, DECODE);
    const fields: SenderKeyDistributionFields = {
      messageVersion,
      distributionId: distributionIdFromBytes(requireBytes(f, 1, DECODE, 16)),
      chainId: requireUint32(f, 2, DECODE),
      iteration: requireUint32(f, 3, DECODE),
      chainKey: requireBytes(f, 4, DECODE, CHAIN_KEY_LENGTH),
      // A bad key type surfaces as ProtocolError('InvalidKey').
      signingKey: PublicKey.deserialize(requireBytes(f, 5, DECODE, EC_PUBLIC_KEY_LENGTH)),
    };
    return new SenderKeyDistributionMessage(fields, bytes.slice());
  }

  /** The exact bytes to transmit (a copy). */
  serialize(): Uint8Array {
    return this.serialized.slice();
  }
}

/** A fresh chain of our own (docs/protocol.md §6): the chain id is a random u32 shifted right by one. */
function newOwnState(): SenderKeyState {
  const random = primitives.randomBytes(4);
  const chainId =
    (((random[0] as number) << 24) |
      ((random[1] as number) << 16) |
      ((random[2] as number) << 8) |
      (random[3] as number)) >>>
    1;
  const signing = KeyPair.generate();
  return new SenderKeyState({
    messageVersion: SENDER_KEY_VERSION,
    chainId,
    iteration: 0,
    chainKey: primitives.randomBytes(CHAIN_KEY_LENGTH),
    signingKey: signing.publicKey,
    signingPrivateKey: signing.privateKey,
  });
}
