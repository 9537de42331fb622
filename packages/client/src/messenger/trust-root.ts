/**
 * The trust root every sender certificate must chain to (packages/server/
 * README.md, "Sender certificates"). It is pinned in the profile: returned
 * at registration and kept with the account, in the CLI and the browser
 * profile alike. A profile registered before the server returned it asks
 * the server once and pins that answer.
 */
import { PublicKey } from '@tacet/protocol';
import { fromBase64Url, TrustRootResponseSchema, toBase64Url } from '@tacet/wire';
import { type AccountInfo, saveAccount } from '../account/register.js';
import { ClientError } from '../errors.js';
import type { ClientStore } from '../store/types.js';
import type { HttpApi } from '../transport/http-api.js';

/** Parses a pinned root; a damaged profile is an error, never a reason to fetch a new root. */
function parsePinned(b64: string): PublicKey {
  try {
    return PublicKey.deserialize(fromBase64Url(b64));
  } catch {
    throw new ClientError('ServerError', 'the pinned trust root in this profile is damaged', {
      code: 'malformed_response',
    });
  }
}

/**
 * @example
 * const root = await pinnedTrustRoot(store, account, api);
 * cert.validate(root, Date.now());
 */
export async function pinnedTrustRoot(
  store: ClientStore,
  account: AccountInfo,
  api: HttpApi,
): Promise<{ root: PublicKey; account: AccountInfo }> {
  if (account.trustRoot) return { root: parsePinned(account.trustRoot), account };
  let root: PublicKey;
  try {
    root = PublicKey.deserialize(TrustRootResponseSchema(await api.trustRoot(), '').trustRoot);
  } catch (e) {
    if (e instanceof ClientError) throw e;
    throw new ClientError('ServerError', 'the server sent a malformed trust root', {
      code: 'malformed_response',
    });
  }
  const pinned = { ...account, trustRoot: toBase64Url(root.serialize()) };
  await saveAccount(store, pinned);
  return { root, account: pinned };
}
