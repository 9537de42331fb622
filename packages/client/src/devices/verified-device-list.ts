/**
 * The sender's side of the signed device list (docs/device-list.md): the
 * newest list verified for each contact, and the rule that only its devices
 * get a copy. A server that adds a device to a bundle answer, serves an
 * older list, or withholds the list after one was seen is refused here,
 * before any session with the extra device exists.
 */
import {
  newestDeviceList,
  type PreKeyBundle,
  ProtocolError,
  type PublicKey,
  SignedDeviceList,
} from '@tacet/protocol';
import { fromBase64Url, parseAccountId } from '@tacet/wire';
import { ClientError } from '../errors.js';
import { NS, type ProtocolStores } from '../sessions/protocol-stores.js';

const recordKey = (peer: string) => `device-list:${peer}`;
const EC_KEY_BYTES = 33;

/** The newest verified list of `peer` and the identity key it verified under. */
export interface VerifiedList {
  identityKey: Uint8Array;
  list: SignedDeviceList;
}

/** The stored newest verified list of `peer`, if one was ever seen. */
export async function verifiedList(stores: ProtocolStores, peer: string): Promise<VerifiedList | undefined> {
  const v = await stores.get(NS.self, recordKey(peer));
  if (!v) return undefined;
  return { identityKey: v.slice(0, EC_KEY_BYTES), list: SignedDeviceList.decode(v.subarray(EC_KEY_BYTES)) };
}

function rememberList(stores: ProtocolStores, peer: string, identityKey: PublicKey, list: SignedDeviceList) {
  const key = identityKey.serialize();
  const bytes = list.serialize();
  const v = new Uint8Array(key.length + bytes.length);
  v.set(key);
  v.set(bytes, key.length);
  stores.set(NS.self, recordKey(peer), v);
}

function refused(code: 'DeviceListRefused' | 'UnlistedDevice', name: string, why: string, data = {}) {
  return new ClientError(code, `not sending to ${name}: ${why}`, { name, ...data });
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Checks a bundle answer against the peer's device lists. Returns the
 * bundles to start sessions with (every one of them listed, with its listed
 * registration id) and `remember`, which stages the newest list; throws ClientError
 * 'DeviceListRefused' (bad, older or withheld list) or 'UnlistedDevice' (a
 * bundle for a device outside the newest list). Without any list ever seen
 * or served (a peer on an older client) the bundles pass unchanged.
 */
export async function checkServedBundles(
  stores: ProtocolStores,
  peer: string,
  name: string,
  identityKey: PublicKey,
  servedList: string | undefined,
  bundles: PreKeyBundle[],
): Promise<{ bundles: PreKeyBundle[]; remember: () => void }> {
  // A key other than the stored one is the safety-number check's to refuse (UntrustedIdentity),
  // which processPreKeyBundle does next; no list signed by it is taken meanwhile.
  const seen = await stores.get(NS.identity, peer);
  if (seen && !sameBytes(seen, identityKey.serialize())) return { bundles, remember: () => {} };
  const known = await verifiedList(stores, peer);
  // A list verified under an earlier identity key says nothing about the new one:
  // the safety-number change is the user's to accept, and the new key's lists start over.
  const current = known && sameBytes(known.identityKey, identityKey.serialize()) ? known.list : undefined;
  if (servedList === undefined) {
    if (current) throw refused('DeviceListRefused', name, 'the server withheld their signed device list');
    return { bundles, remember: () => {} };
  }
  let newest: SignedDeviceList;
  try {
    const incoming = SignedDeviceList.decode(fromBase64Url(servedList));
    newest = newestDeviceList(current, incoming, identityKey, parseAccountId(peer));
  } catch (e) {
    if (!(e instanceof ProtocolError) && !(e instanceof RangeError) && !(e instanceof TypeError)) throw e;
    const why =
      e instanceof ProtocolError && e.is('StaleDeviceList') ? e.message : 'their device list does not verify';
    throw refused('DeviceListRefused', name, `the server sent a bad device list (${why})`, {
      reason: e instanceof ProtocolError ? e.code : 'malformed',
    });
  }
  for (const b of bundles) {
    const listed = newest.device(b.deviceId);
    if (!listed || listed.registrationId !== b.registrationId) {
      throw refused(
        'UnlistedDevice',
        name,
        `the server offered device ${b.deviceId}, which their signed device list does not name`,
        {
          deviceId: b.deviceId,
        },
      );
    }
  }
  // Staged by the caller only once sessions started (a substituted identity key fails there first).
  const remember = () => {
    if (newest !== current) rememberList(stores, peer, identityKey, newest);
  };
  return { bundles, remember };
}

/** The device ids of `ids` that may get a copy: all of them without a verified list, else the listed ones. */
export async function listedOnly(stores: ProtocolStores, peer: string, ids: number[]): Promise<number[]> {
  const known = await verifiedList(stores, peer);
  return known ? ids.filter((id) => known.list.device(id)) : ids;
}
