/**
 * Anonymous registration: solve the server's proof-of-work, create the
 * account, generate the identity and the first prekeys, upload them. The
 * profile keeps the device credential (sealed by the store) and the server
 * URL, so later runs need nothing but the passphrase.
 */
import { IdentityKeyPair } from '@tacet/protocol';
import { type RegisterResponse, RegisterResponseSchema, solvePow, toBase64Url } from '@tacet/wire';
import { signNextDeviceList } from '../devices/own-device-list.js';
import { ClientError } from '../errors.js';
import { NS, type ProtocolStores } from '../sessions/protocol-stores.js';
import type { ClientStore } from '../store/types.js';
import { type DeviceCredentials, HttpApi } from '../transport/http-api.js';
import { KYBER_BATCH, PREKEY_BATCH, prepareUpload } from './key-upkeep.js';

/** What a profile remembers about its account. */
export interface AccountInfo extends DeviceCredentials {
  readonly serverUrl: string;
  /**
   * The server's trust root (base64url, 33 bytes), pinned at registration:
   * every sender certificate must chain to it. Absent in profiles made
   * before it was returned (messenger/trust-root.ts pins it then).
   */
  readonly trustRoot?: string;
}

/** Progress of the proof-of-work: attempts so far and the expected total (2^bits). */
export type PowProgress = (attempts: number, expected: number) => void;

/** Finds the nonce; the default runs in slices on this thread, a browser passes one that uses a Web Worker. */
export type PowSolver = (challenge: string, bits: number, onProgress?: PowProgress) => Promise<number>;

export const ACCOUNT_KEY = 'account';

/** Stores the account record (staged writes of the caller are not touched). */
export async function saveAccount(store: ClientStore, account: AccountInfo): Promise<void> {
  const bytes = new TextEncoder().encode(JSON.stringify(account));
  await store.apply({ records: [{ ns: NS.self, key: ACCOUNT_KEY, value: bytes }] });
}

export async function loadAccount(store: ClientStore): Promise<AccountInfo | undefined> {
  const v = await store.getRecord(NS.self, ACCOUNT_KEY);
  return v ? (JSON.parse(new TextDecoder().decode(v)) as AccountInfo) : undefined;
}

/** Solves in slices, yielding to the event loop so progress can be shown. */
export async function solveChallenge(
  challenge: string,
  bits: number,
  onProgress?: PowProgress,
): Promise<number> {
  const slice = 1 << 14;
  for (let start = 0; ; start += slice) {
    const nonce = solvePow(challenge, bits, start, slice);
    onProgress?.(nonce >= 0 ? nonce + 1 : start + slice, 2 ** bits);
    if (nonce >= 0) return nonce;
    await new Promise<void>((r) => setTimeout(r, 0));
  }
}

/** The server's registration answer, checked: its trust root is pinned from here on. */
function parseRegistration(res: unknown): RegisterResponse {
  try {
    const r = RegisterResponseSchema(res, '');
    return { ...r, trustRoot: toBase64Url(r.trustRoot) };
  } catch {
    throw new ClientError('ServerError', 'the server sent a malformed registration answer', {
      code: 'malformed_response',
    });
  }
}

/** A fresh 14-bit registration id (1..16380), as Signal clients pick them. */
export function randomRegistrationId(): number {
  const b = crypto.getRandomValues(new Uint16Array(1))[0] as number;
  return (b % 16380) + 1;
}

/**
 * @example
 * const account = await registerAccount(store, stores, 'http://127.0.0.1:8080', (n, of) => bar(n / of));
 */
export async function registerAccount(
  store: ClientStore,
  stores: ProtocolStores,
  serverUrl: string,
  onProgress?: PowProgress,
  now = Date.now(),
  solve: PowSolver = solveChallenge,
): Promise<AccountInfo> {
  if (await loadAccount(store)) {
    throw new ClientError('AlreadyRegistered', 'this profile already has an account; use another --profile');
  }
  const api = new HttpApi(serverUrl);
  const { challenge, bits } = await api.challenge();
  const nonce = await solve(challenge, bits, onProgress);
  const registrationId = randomRegistrationId();
  const res = parseRegistration(await api.register({ pow: { challenge, nonce }, registrationId }));
  const account: AccountInfo = { ...res, serverUrl: serverUrl.replace(/\/+$/, '') };
  const identity = IdentityKeyPair.generate();
  stores.set(NS.self, 'identity-key-pair', identity.serialize());
  stores.setRegistrationId(registrationId);
  const plan = { preKeys: PREKEY_BATCH, kyberPreKeys: KYBER_BATCH, rotateSigned: true };
  const body = await prepareUpload(stores, identity, plan, now);
  // The first signed device list names this device only; contacts encrypt to no other.
  const deviceList = await signNextDeviceList(stores, identity, account.accountId, [
    { deviceId: account.deviceId, registrationId },
  ]);
  // Keep the keys before uploading them: a crash after the upload must not lose private halves.
  const accountBytes = new TextEncoder().encode(JSON.stringify(account));
  await store.apply({
    records: [...stores.takeWrites(), { ns: NS.self, key: ACCOUNT_KEY, value: accountBytes }],
  });
  const authed = api.withCredentials(account);
  await authed.uploadKeys(body);
  await authed.putDeviceList(deviceList.serialize());
  return account;
}
