/**
 * libsignal's `sealedSenderMultiRecipientEncrypt` (docs/protocol.md §8.4): seal one USMC
 * for every device of many recipients at once. Recipient identity keys come
 * from the identity store and registration ids from the existing sessions
 * (SSv2 needs a session with every device); devices of one service id are
 * grouped into one entry, in the order given.
 */
import { ProtocolError } from '../errors.js';
import type { PublicKey } from '../keys/index.js';
import type { ProtocolAddress } from '../session/address.js';
import type { IdentityKeyStore, SessionStore } from '../session/stores.js';
import { sealedSenderV2Encrypt } from './sealed-sender-v2.js';
import {
  encodeSealedSenderV2SentInPlace,
  V2_MAX_REGISTRATION_ID,
  type V2Device,
  type V2RecipientDevices,
} from './sealed-sender-v2-sent.js';
import type { StaticSecrets } from './static-secrets.js';
import type { UnidentifiedSenderMessageContent } from './unidentified-sender-message-content.js';

/** The stores SSv2 encryption reads. */
export interface MultiRecipientStores {
  readonly identities: Pick<IdentityKeyStore, 'getIdentityKeyPair' | 'getIdentity'>;
  readonly sessions: Pick<SessionStore, 'getSession'>;
  /**
   * The registration id of the current session with `address` (undefined: no session), for a
   * store that can tell it without rebuilding the whole record (optional; `sessions` otherwise):
   * a send to a 1,000-member group needs only this of each session.
   */
  readonly remoteRegistrationId?: (address: ProtocolAddress) => Promise<number | undefined>;
  /** Remembers each recipient's static–static agreement across messages (optional). */
  readonly staticSecrets?: StaticSecrets;
}

async function deviceOf(
  address: ProtocolAddress,
  stores: MultiRecipientStores,
): Promise<{ device: V2Device; key: PublicKey }> {
  const registrationId = stores.remoteRegistrationId
    ? await stores.remoteRegistrationId(address)
    : (await stores.sessions.getSession(address))?.remoteRegistrationId();
  const key = await stores.identities.getIdentity(address);
  if (registrationId === undefined || key === null) {
    throw new ProtocolError('NoSession', `no session with ${address.name}.${address.deviceId}`);
  }
  if (registrationId > V2_MAX_REGISTRATION_ID) {
    throw new ProtocolError(
      'InvalidMessage',
      `registration id ${registrationId} of ${address.name} is not 14-bit`,
    );
  }
  return { device: { deviceId: address.deviceId, registrationId }, key };
}

/**
 * Seals `usmc` for all `recipients` (device addresses named by service id);
 * `excludedRecipients` are listed as deliberately left out. Returns the sent
 * format for the server to split. Throws ProtocolError('NoSession') for a
 * device without a session or identity, 'InvalidKey' when devices of one
 * account disagree on its identity key.
 *
 * @example
 * const sent = await sealedSenderMultiRecipientEncrypt(usmc, [bob1, bob2, carol1], stores);
 */
export async function sealedSenderMultiRecipientEncrypt(
  usmc: UnidentifiedSenderMessageContent,
  recipients: readonly ProtocolAddress[],
  stores: MultiRecipientStores,
  excludedRecipients: readonly string[] = [],
): Promise<Uint8Array> {
  const grouped = new Map<string, { devices: V2Device[]; key: PublicKey }>();
  for (const address of recipients) {
    const { device, key } = await deviceOf(address, stores);
    const entry = grouped.get(address.name);
    if (entry === undefined) grouped.set(address.name, { devices: [device], key });
    else if (!entry.key.equals(key))
      throw new ProtocolError('InvalidKey', `devices of ${address.name} disagree on its identity key`);
    else entry.devices.push(device);
  }
  const v2 = sealedSenderV2Encrypt(
    usmc.serialize(),
    await stores.identities.getIdentityKeyPair(),
    stores.staticSecrets,
  );
  const entries: V2RecipientDevices[] = [];
  const keys: PublicKey[] = [];
  for (const [serviceId, { devices, key }] of grouped) {
    entries.push({ serviceId, devices });
    keys.push(key);
  }
  // Each recipient's C ‖ AT is derived straight into the message's one buffer.
  return encodeSealedSenderV2SentInPlace(
    entries,
    excludedRecipients,
    v2.ephemeralPublic,
    v2.payload,
    (i, out, at) => v2.writeKeysInto(keys[i] as PublicKey, out, at),
  );
}
