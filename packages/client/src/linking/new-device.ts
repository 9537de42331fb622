/**
 * Linking, on the new device (docs/provisioning.md): open a channel, show
 * the link code, wait for the existing device's ephemeral key, show the
 * comparison code, and — once the person confirms both screens agree —
 * send a sealed confirmation with this device's registration id, receive
 * the sealed provisioning message, check it, and become device N of the
 * account with its own prekeys and credential. Nothing is kept before the
 * last step, so a refused or expired link leaves an empty profile.
 */
import { IdentityKeyPair, KeyPair, PrivateKey, PublicKey, SignedDeviceList, zeroize } from '@tacet/protocol';
import { formatAccountId, toBase64Url } from '@tacet/wire';
import { KYBER_BATCH, PREKEY_BATCH, prepareUpload } from '../account/key-upkeep.js';
import { ACCOUNT_KEY, type AccountInfo, loadAccount, randomRegistrationId } from '../account/register.js';
import { adoptDeviceList } from '../devices/own-device-list.js';
import { ClientError } from '../errors.js';
import { NS, ProtocolStores } from '../sessions/protocol-stores.js';
import type { ClientStore } from '../store/types.js';
import { HttpApi } from '../transport/http-api.js';
import { ProvisioningApi } from '../transport/provisioning-api.js';
import { encodeLinkCode } from './link-code.js';
import {
  type ChannelKeys,
  channelKeys,
  FORMAT,
  openSlot,
  parseRawKey,
  sealSlot,
} from './provisioning-cipher.js';
import { decodePayload, type ProvisioningPayload } from './provisioning-payload.js';

/** Slots of the channel: the existing device's hello, the new device's confirmation, the provisioning message. */
export const SLOT = { hello: 1, confirmation: 2, provisioning: 3 } as const;

/** A link in progress on the new device. */
export interface NewDeviceLink {
  /** Show this; the person enters it on the existing device (`tacet devices link CODE`). */
  readonly code: string;
  /** When the code stops working (ms since the epoch). */
  readonly expiresAt: number;
  /** Waits for the existing device; resolves the comparison code to show next to its own. */
  comparison(): Promise<string>;
  /** The person confirmed both devices show the same code: finishes linking; resolves the account. */
  confirm(): Promise<AccountInfo>;
  /** Gives up; nothing was kept. */
  cancel(): Promise<void>;
}

const tampered = (why: string) =>
  new ClientError('LinkTampered', `the provisioning message does not check out (${why}); nothing was kept`, {
    reason: why,
  });

/** Checks what the existing device sent against what this device asked for. */
function checkPayload(p: ProvisioningPayload, registrationId: number) {
  let identity: IdentityKeyPair;
  let list: SignedDeviceList;
  try {
    const privateKey = PrivateKey.deserialize(p.identityKeyPair.subarray(33));
    identity = new IdentityKeyPair(PublicKey.deserialize(p.identityKeyPair.subarray(0, 33)), privateKey);
    if (!privateKey.getPublicKey().equals(identity.publicKey)) throw new RangeError('mismatched pair');
    list = SignedDeviceList.decode(p.deviceList);
    PublicKey.deserialize(p.trustRoot);
  } catch {
    throw tampered('keys');
  }
  const sameAccount = list.accountId.every((b, i) => b === p.accountId[i]);
  if (!list.verify(identity.publicKey) || !sameAccount) throw tampered('device list signature');
  if (list.device(p.deviceId)?.registrationId !== registrationId)
    throw tampered('device list omits this device');
  return { identity, list };
}

/**
 * @example
 * const link = await beginNewDeviceLink(store, 'https://chat.example');
 * show(link.code);
 * show(await link.comparison());
 * if (await ask('same code on both?')) await link.confirm(); else await link.cancel();
 */
export async function beginNewDeviceLink(store: ClientStore, serverUrl: string): Promise<NewDeviceLink> {
  if (await loadAccount(store))
    throw new ClientError('AlreadyRegistered', 'this profile already has an account; use another --profile');
  const base = serverUrl.replace(/\/+$/, '');
  const prov = new ProvisioningApi(base);
  const { channel, expiresAt } = await prov.open();
  const ephemeral = KeyPair.generate();
  const abort = new AbortController();
  let keys: ChannelKeys | undefined;

  async function comparison(): Promise<string> {
    const hello = await prov.wait(channel, SLOT.hello, abort.signal);
    if (hello.length !== 33 || hello[0] !== FORMAT) throw tampered('hello');
    const existingKey = parseRawKey(hello.subarray(1), 'answer of the other device');
    keys = channelKeys(channel, ephemeral, existingKey, ephemeral.publicKey, existingKey);
    return keys.comparison;
  }

  async function confirm(): Promise<AccountInfo> {
    if (!keys) throw new ClientError('LinkRefused', 'compare the codes first (comparison())');
    const registrationId = randomRegistrationId();
    const confirmation = Uint8Array.of(FORMAT, registrationId >>> 8, registrationId & 0xff);
    await prov.put(channel, SLOT.confirmation, sealSlot(keys.toExisting, SLOT.confirmation, confirmation));
    const sealed = await prov.wait(channel, SLOT.provisioning, abort.signal);
    const payload = decodePayload(openSlot(keys.toNew, SLOT.provisioning, sealed));
    keys.wipe();
    const { identity, list } = checkPayload(payload, registrationId);
    const account: AccountInfo = {
      accountId: formatAccountId(payload.accountId),
      deviceId: payload.deviceId,
      credential: toBase64Url(payload.credential),
      serverUrl: base,
      trustRoot: toBase64Url(payload.trustRoot),
    };
    zeroize(payload.credential);
    await becomeDevice(store, account, identity, registrationId, list, payload);
    await prov.close(channel);
    return account;
  }

  return {
    code: encodeLinkCode({ channel, newDeviceKey: ephemeral.publicKey }),
    expiresAt,
    comparison,
    confirm,
    async cancel() {
      abort.abort();
      keys?.wipe();
      await prov.close(channel);
    },
  };
}

/** Keeps the account, identity, list and copied records with fresh prekeys, then uploads the keys. */
async function becomeDevice(
  store: ClientStore,
  account: AccountInfo,
  identity: IdentityKeyPair,
  registrationId: number,
  list: SignedDeviceList,
  payload: ProvisioningPayload,
): Promise<void> {
  const stores = new ProtocolStores(store);
  stores.set(NS.self, 'identity-key-pair', identity.serialize());
  stores.setRegistrationId(registrationId);
  await adoptDeviceList(stores, list);
  const plan = { preKeys: PREKEY_BATCH, kyberPreKeys: KYBER_BATCH, rotateSigned: true };
  const body = await prepareUpload(stores, identity, plan, Date.now());
  const accountBytes = new TextEncoder().encode(JSON.stringify(account));
  // Keys before the upload: a crash after it must not lose the private halves.
  await store.apply({
    records: [
      ...payload.records,
      ...stores.takeWrites(),
      { ns: NS.self, key: ACCOUNT_KEY, value: accountBytes },
    ],
  });
  await new HttpApi(account.serverUrl, account).uploadKeys(body);
}
