/**
 * Linking, on the existing device (docs/provisioning.md): read the link
 * code, post this side's ephemeral key, show the comparison code, and — once
 * the person confirms it matches the new device's screen and the new device
 * proved (by a message sealed under the shared keys) that it saw the same
 * keys — add the device on the server, sign the device list naming it, and
 * send the sealed provisioning message: identity key pair, login, list and
 * the account's contacts, trust records, settings and groups.
 */
import { concatBytes, type IdentityKeyPair, KeyPair } from '@tacet/protocol';
import { fromBase64Url, MAX_DEVICES_PER_ACCOUNT, MAX_REGISTRATION_ID, parseAccountId } from '@tacet/wire';
import type { AccountInfo } from '../account/register.js';
import { ownDeviceList, signNextDeviceList } from '../devices/own-device-list.js';
import { ClientError } from '../errors.js';
import { GROUP_NS, groupRecordForLinkedDevice } from '../groups/group-book.js';
import type { ProtocolStores } from '../sessions/protocol-stores.js';
import type { ClientStore } from '../store/types.js';
import type { HttpApi } from '../transport/http-api.js';
import { ProvisioningApi } from '../transport/provisioning-api.js';
import { decodeLinkCode } from './link-code.js';
import { SLOT } from './new-device.js';
import { channelKeys, FORMAT, openSlot, rawKey, sealSlot } from './provisioning-cipher.js';
import {
  COPIED_NAMESPACES,
  COPIED_SELF_PREFIX,
  type CopiedRecord,
  canonicalRecords,
  encodePayload,
} from './provisioning-payload.js';

/** What linking needs from the running client. */
export interface LinkingContext {
  readonly store: ClientStore;
  readonly stores: ProtocolStores;
  readonly account: AccountInfo;
  /** The authenticated API of this device. */
  readonly api: HttpApi;
  readonly identity: IdentityKeyPair;
  /** Runs `fn` alone with the client's other commits. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

/** A link in progress on the existing device. */
export interface ExistingDeviceLink {
  /** Show this; the person checks the new device shows the same. */
  readonly comparison: string;
  /** The person confirmed: finishes linking once the new device confirmed too; resolves its device id. */
  confirm(): Promise<{ deviceId: number }>;
  /** The codes differ or the person changed their mind: nothing is sent. */
  cancel(): void;
}

function tooMany(): ClientError {
  return new ClientError(
    'TooManyDevices',
    `this account already has ${MAX_DEVICES_PER_ACCOUNT} devices; unlink one first (tacet devices remove N)`,
  );
}

/** The account records a linked device gets (never sessions, prekeys or this device's own keys). */
async function copiedRecords(store: ClientStore): Promise<CopiedRecord[]> {
  const out: CopiedRecord[] = [];
  for (const ns of COPIED_NAMESPACES)
    for (const r of await store.listRecords(ns))
      out.push({ ns, key: r.key, value: ns === GROUP_NS ? groupRecordForLinkedDevice(r.value) : r.value });
  for (const r of await store.listRecords('self'))
    if (r.key.startsWith(COPIED_SELF_PREFIX)) out.push({ ns: 'self', key: r.key, value: r.value });
  return canonicalRecords(out);
}

/** The new device's registration id from its sealed confirmation. */
function registrationIdOf(plaintext: Uint8Array): number {
  const id =
    plaintext.length === 3 && plaintext[0] === FORMAT
      ? (plaintext[1] as number) * 256 + (plaintext[2] as number)
      : 0;
  if (id < 1 || id > MAX_REGISTRATION_ID)
    throw new ClientError('LinkTampered', 'the new device sent a malformed confirmation', {
      reason: 'confirmation',
    });
  return id;
}

/**
 * @example
 * const link = await beginExistingDeviceLink(ctx, code);
 * show(link.comparison);
 * if (await ask('same code on the new device?')) await link.confirm(); else link.cancel();
 */
export async function beginExistingDeviceLink(
  ctx: LinkingContext,
  code: string,
): Promise<ExistingDeviceLink> {
  const { channel, newDeviceKey } = decodeLinkCode(code);
  const current = await ownDeviceList(ctx.stores);
  if ((current?.devices.length ?? 1) >= MAX_DEVICES_PER_ACCOUNT) throw tooMany();
  const prov = new ProvisioningApi(ctx.account.serverUrl);
  const ephemeral = KeyPair.generate();
  const keys = channelKeys(channel, ephemeral, newDeviceKey, newDeviceKey, ephemeral.publicKey);
  await prov.put(channel, SLOT.hello, Uint8Array.of(FORMAT, ...rawKey(ephemeral.publicKey)));
  const abort = new AbortController();

  async function confirm(): Promise<{ deviceId: number }> {
    try {
      const sealed = await prov.wait(channel, SLOT.confirmation, abort.signal);
      const registrationId = registrationIdOf(openSlot(keys.toExisting, SLOT.confirmation, sealed));
      return await ctx.exclusive(() =>
        provision(ctx, registrationId, (p) =>
          prov.put(channel, SLOT.provisioning, sealSlot(keys.toNew, SLOT.provisioning, p)),
        ),
      );
    } finally {
      keys.wipe();
    }
  }

  return {
    comparison: keys.comparison,
    confirm,
    cancel() {
      abort.abort();
      keys.wipe();
    },
  };
}

/** Adds the device on the server, signs the list naming it, and sends the provisioning message. */
async function provision(
  ctx: LinkingContext,
  registrationId: number,
  send: (payload: Uint8Array) => Promise<void>,
): Promise<{ deviceId: number }> {
  let added: { deviceId: number; credential: string };
  try {
    added = await ctx.api.addDevice(registrationId);
  } catch (e) {
    if (e instanceof ClientError && e.data.code === 'limit_exceeded') throw tooMany();
    throw e;
  }
  try {
    const current = (await ownDeviceList(ctx.stores))?.devices ?? [];
    const list = await signNextDeviceList(ctx.stores, ctx.identity, ctx.account.accountId, [
      ...current,
      { deviceId: added.deviceId, registrationId },
    ]);
    await ctx.store.apply({ records: ctx.stores.takeWrites() });
    await ctx.api.putDeviceList(list.serialize());
    const payload = encodePayload({
      identityKeyPair: concatBytes(ctx.identity.publicKey.serialize(), ctx.identity.privateKey.serialize()),
      accountId: parseAccountId(ctx.account.accountId),
      deviceId: added.deviceId,
      credential: fromBase64Url(added.credential),
      trustRoot: fromBase64Url(ctx.account.trustRoot ?? ''),
      deviceList: list.serialize(),
      records: await copiedRecords(ctx.store),
    });
    await send(payload);
    payload.fill(0);
    return { deviceId: added.deviceId };
  } catch (e) {
    // Nothing half-linked stays on the server: the device goes again (best effort; it is in no list).
    await ctx.api.removeDevice(added.deviceId).catch(() => undefined);
    throw e;
  }
}
