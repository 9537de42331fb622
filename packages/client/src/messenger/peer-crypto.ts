/**
 * Per-peer encryption and decryption over the protocol package: starts
 * sessions from fetched bundles, encrypts for every device of a peer, opens
 * incoming envelopes and notices identity-key changes. All protocol writes go
 * to the staged ProtocolStores; the caller commits them.
 */
import {
  CiphertextMessageType,
  KEMPublicKey,
  PlaintextContent,
  type PreKeyBundle,
  ProtocolAddress,
  ProtocolError,
  PublicKey,
  processPreKeyBundle,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
} from '@tacet/protocol';
import {
  type DeviceBundleJson,
  formatAccountId,
  fromBase64Url,
  IdentityKeyResponseSchema,
  MAX_DEVICES_PER_ACCOUNT,
  type PreKeyBundleResponse,
  parseAccountId,
} from '@tacet/wire';
import type { Contact } from '../contacts.js';
import { checkServedBundles, listedOnly } from '../devices/verified-device-list.js';
import { ClientError } from '../errors.js';
import { openGroupMessage, SENDER_KEY_TYPE } from '../groups/group-open.js';
import { NS, type ProtocolStores } from '../sessions/protocol-stores.js';
import type { HttpApi } from '../transport/http-api.js';
import { toHex } from '../util.js';
import { type RetryRequest, withRetryTarget } from './retry.js';
import { seal, unseal } from './sealing.js';
import type { CertificateSource } from './sender-certificates.js';

/** CiphertextMessageType of a retry receipt's plaintext content. */
const PLAINTEXT_CONTENT_TYPE = 8;

const td = new TextDecoder();
const te = new TextEncoder();

/** The error a user sees when a contact's safety number changed. */
export function untrustedError(name: string): ClientError {
  return new ClientError(
    'UntrustedIdentity',
    `${name}'s safety number has changed: compare it (tacet safety-number ${name}) and accept it with ` +
      `tacet verify ${name} before sending`,
    { name },
  );
}

function toBundle(identityKey: PublicKey, d: DeviceBundleJson): PreKeyBundle {
  return {
    registrationId: d.registrationId,
    deviceId: d.deviceId,
    identityKey,
    signedPreKey: {
      id: d.signedPreKey.keyId,
      publicKey: PublicKey.deserialize(fromBase64Url(d.signedPreKey.publicKey)),
      signature: fromBase64Url(d.signedPreKey.signature),
    },
    preKey: d.preKey
      ? { id: d.preKey.keyId, publicKey: PublicKey.deserialize(fromBase64Url(d.preKey.publicKey)) }
      : undefined,
    kyberPreKey: {
      id: d.pqPreKey.keyId,
      publicKey: KEMPublicKey.deserialize(fromBase64Url(d.pqPreKey.publicKey)),
      signature: fromBase64Url(d.pqPreKey.signature),
    },
  };
}

export async function deviceIds(stores: ProtocolStores, peer: string): Promise<number[]> {
  const v = await stores.get(NS.self, `devices:${peer}`);
  return v ? (JSON.parse(td.decode(v)) as number[]) : [];
}

/** Parses the server's bundle answer (outside input) into protocol bundles; a ServerError if malformed. */
export function parseBundles(res: PreKeyBundleResponse): { identityKey: PublicKey; bundles: PreKeyBundle[] } {
  try {
    const identityKey = PublicKey.deserialize(fromBase64Url(res.identityKey));
    const n = Array.isArray(res.devices) ? res.devices.length : 0;
    if (n === 0 || n > MAX_DEVICES_PER_ACCOUNT) throw new RangeError('device count');
    const bundles = res.devices.map((d) => toBundle(identityKey, d));
    const badId = (b: PreKeyBundle) =>
      !Number.isInteger(b.deviceId) || b.deviceId < 1 || !Number.isInteger(b.registrationId);
    if (bundles.some(badId)) throw new RangeError('device ids');
    return { identityKey, bundles };
  } catch {
    throw new ClientError('ServerError', 'the server sent a malformed key bundle', {
      code: 'malformed_response',
    });
  }
}

/** Fetches the peer's bundles and starts a fresh session with each device. */
export async function startSessions(
  stores: ProtocolStores,
  api: HttpApi,
  peer: string,
  name: string,
  now: number,
) {
  const res = await api.bundle(peer, '*');
  const parsed = parseBundles(res);
  const { identityKey } = parsed;
  // Before any session: a device the signed list does not name never gets one.
  const served = await checkServedBundles(stores, peer, name, identityKey, res.deviceList, parsed.bundles);
  const { bundles } = served;
  const ids: number[] = [];
  for (const b of bundles) {
    try {
      await processPreKeyBundle(b, new ProtocolAddress(peer, b.deviceId), stores, now);
    } catch (e) {
      if (e instanceof ProtocolError && e.is('UntrustedIdentity')) {
        // The caller records the new key, so the user can compare the new safety number.
        const err = untrustedError(name);
        throw new ClientError(err.code, err.message, {
          name,
          accountId: peer,
          identityKey: identityKey.serialize(),
        });
      }
      throw e;
    }
    ids.push(b.deviceId);
  }
  served.remember();
  stores.set(NS.self, `devices:${peer}`, te.encode(JSON.stringify(ids)));
  return ids;
}

/** Encrypts a padded plaintext for every device of `peer`; one wire envelope each, sealed under our certificate. */
export async function encryptForPeer(
  stores: ProtocolStores,
  api: HttpApi,
  certificate: CertificateSource,
  peer: string,
  name: string,
  plaintext: Uint8Array,
  now: number,
) {
  // Devices learnt from incoming messages count only if the newest verified list names them.
  let ids = await listedOnly(stores, peer, await deviceIds(stores, peer));
  if (ids.length === 0) ids = await startSessions(stores, api, peer, name, now);
  const accountId = parseAccountId(peer);
  const cert = await certificate(now);
  const out = [];
  for (const deviceId of ids) {
    const address = new ProtocolAddress(peer, deviceId);
    let ct: Awaited<ReturnType<typeof signalEncrypt>>;
    try {
      ct = await signalEncrypt(plaintext, address, stores, now);
    } catch (e) {
      if (e instanceof ProtocolError && e.is('UntrustedIdentity')) throw untrustedError(name);
      if (!(e instanceof ProtocolError && e.is('NoSession'))) throw e;
      await startSessions(stores, api, peer, name, now);
      ct = await signalEncrypt(plaintext, address, stores, now);
    }
    out.push({ accountId, deviceId, content: await seal(stores, cert, address, ct) });
  }
  return out;
}

/** Looks an account's identity key up in the server's directory; undefined when it has none. */
export type IdentityDirectory = (accountId: string) => Promise<PublicKey | undefined>;

/** The directory over the HTTP API: not_found is "none"; other failures throw (the envelope is retried). */
export function httpDirectory(api: HttpApi): IdentityDirectory {
  return async (accountId) => {
    let res: unknown;
    try {
      res = await api.identityKey(accountId);
    } catch (e) {
      if (e instanceof ClientError && e.data.code === 'not_found') return undefined;
      throw e;
    }
    try {
      return PublicKey.deserialize(IdentityKeyResponseSchema(res, '').identityKey);
    } catch {
      throw new ClientError('ServerError', 'the server sent a malformed identity key', {
        code: 'malformed_response',
      });
    }
  };
}

/**
 * First contact: for an address we hold no key for, the server's directory
 * is the root of trust (as in Signal; safety numbers then verify it). The
 * certificate already binds the key the server holds; asking the directory
 * too costs one lookup per new contact and refuses a claim it does not back.
 */
async function checkFirstContact(directory: IdentityDirectory, sender: string, claimed: PublicKey) {
  const listed = await directory(sender);
  if (listed?.equals(claimed)) return;
  throw new ClientError(
    'ImpersonatedSender',
    `dropped a message claiming to come from ${sender}: its identity key is not the one the server lists`,
    { accountId: sender },
  );
}

/** The key messages from `peer` must carry: the accepted one, else the latest seen; undefined for a stranger. */
export async function expectedIdentity(stores: ProtocolStores, peer: string): Promise<PublicKey | undefined> {
  const { trusted, latest } = await stores.trustState(peer);
  const bytes = trusted ?? latest;
  return bytes ? PublicKey.deserialize(bytes) : undefined;
}

/** A message under a key other than the contact's: held apart, undecrypted, until the user accepts the key. */
export interface IdentityClaimOpened {
  readonly kind: 'claim';
  readonly sender: string;
  readonly senderDevice: number;
  readonly identityKey: PublicKey;
}

/**
 * Opens and decrypts one sealed envelope: who sent it and the padded
 * plaintext, the retry receipt it carries, or a claim to hold apart. A
 * failed decryption throws its ProtocolError with the retry target attached
 * (retry.ts answers it).
 */
export async function decryptEnvelope(
  stores: ProtocolStores,
  directory: IdentityDirectory,
  trustRoot: PublicKey,
  content: Uint8Array,
  now: number,
  /** Our own account id: a message naming it must carry our own identity key (a sibling device). */
  self?: string,
): Promise<
  | { kind: 'message'; sender: string; senderDevice: number; plaintext: Uint8Array }
  | IdentityClaimOpened
  | RetryRequest
> {
  const opened = await unseal(stores, trustRoot, content, now);
  let sender: string;
  try {
    sender = formatAccountId(parseAccountId(opened.sender));
  } catch {
    throw new ProtocolError('InvalidCertificate', 'sender certificate names no tacet account');
  }
  if (opened.deviceId < 1)
    throw new ProtocolError('InvalidCertificate', 'sender certificate names no device');
  if (sender === self) {
    const own = (await stores.identities.getIdentityKeyPair()).publicKey;
    if (!own.equals(opened.identityKey))
      throw new ClientError(
        'ImpersonatedSender',
        'dropped a message claiming to come from another of your devices: it is not under your identity key',
        { accountId: sender },
      );
  }
  const expected = sender === self ? opened.identityKey : await expectedIdentity(stores, sender);
  if (!expected) await checkFirstContact(directory, sender, opened.identityKey);
  else if (!expected.equals(opened.identityKey)) {
    // Nothing is decrypted: no session, no stored key, no content changes until the user accepts.
    return { kind: 'claim', sender, senderDevice: opened.deviceId, identityKey: opened.identityKey };
  }
  if (opened.type === PLAINTEXT_CONTENT_TYPE) {
    const request = PlaintextContent.deserialize(opened.body).decryptionErrorMessage();
    return { sender, senderDevice: opened.deviceId, identityKey: opened.identityKey, request };
  }
  const address = new ProtocolAddress(sender, opened.deviceId);
  // A group message: the sender key this member gave us 1:1 opens it (no session involved).
  if (opened.type === SENDER_KEY_TYPE)
    return {
      kind: 'message',
      sender,
      senderDevice: opened.deviceId,
      plaintext: await openGroupMessage(stores, address, opened.body),
    };
  let plaintext: Uint8Array;
  try {
    plaintext =
      opened.type === CiphertextMessageType.PreKey
        ? await signalDecryptPreKey(opened.body, address, stores)
        : await signalDecrypt(opened.body, address, stores);
  } catch (e) {
    throw withRetryTarget(e, { sender, deviceId: opened.deviceId, type: opened.type, body: opened.body });
  }
  // The session that decrypted it must belong to the identity the envelope was sealed with.
  const sessionKey = await stores.identities.getIdentity(address);
  if (!sessionKey?.equals(opened.identityKey)) {
    throw new ProtocolError('InvalidMessage', 'sealed sender identity does not match the session');
  }
  const known = await deviceIds(stores, sender);
  if (!known.includes(opened.deviceId)) {
    stores.set(NS.self, `devices:${sender}`, te.encode(JSON.stringify([...known, opened.deviceId])));
  }
  return { kind: 'message', sender, senderDevice: opened.deviceId, plaintext };
}

/** Writes that record the new key carried by a key-change error and block sending to that peer. */
export function keyChangeWrites(e: ClientError) {
  const peer = e.data.accountId as string;
  return [
    { ns: NS.identity, key: peer, value: e.data.identityKey as Uint8Array },
    { ns: 'untrusted', key: peer, value: new Uint8Array([1]) },
  ];
}

/**
 * Whether a verified contact's accepted key is no longer the one the user
 * verified (a new key was accepted for receiving): nothing is sent to it
 * until the user verifies again.
 */
export async function needsReverification(stores: ProtocolStores, contact: Contact): Promise<boolean> {
  if (contact.verifiedKey === undefined) return false;
  const { trusted } = await stores.trustState(contact.accountId);
  return trusted !== undefined && toHex(trusted) !== contact.verifiedKey;
}

/** Whether the latest identity key seen for `peer` differs from the accepted one. */
export async function identityUntrusted(stores: ProtocolStores, peer: string): Promise<boolean> {
  const { trusted, latest } = await stores.trustState(peer);
  if (!trusted || !latest) return false;
  return !PublicKey.deserialize(trusted).equals(PublicKey.deserialize(latest));
}
