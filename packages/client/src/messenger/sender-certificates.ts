/**
 * This device's sender certificate, issued by the server (GET
 * /v1/certificate/delivery) and cached in the profile. It is checked like
 * a peer's before use (chained to the pinned root, naming this account,
 * device and identity key, unexpired), and a fresh one is fetched once half
 * its lifetime has passed, so a certificate never expires in flight.
 */
import { type PublicKey, SenderCertificate } from '@tacet/protocol';
import { SenderCertificateResponseSchema } from '@tacet/wire';
import { ClientError } from '../errors.js';
import { NS, type ProtocolStores } from '../sessions/protocol-stores.js';
import type { HttpApi } from '../transport/http-api.js';

const RECORD = 'sender-certificate';
/** Refresh when less than this is left: half of the server's one-day lifetime. */
const REFRESH_MARGIN_MS = 12 * 3600 * 1000;

/** Hands out the certificate to seal with at `now`. */
export type CertificateSource = (now: number) => Promise<SenderCertificate>;

interface Self {
  readonly accountId: string;
  readonly deviceId: number;
}

function fits(cert: SenderCertificate, root: PublicKey, self: Self, identity: PublicKey, now: number) {
  return (
    cert.senderUuid === self.accountId &&
    cert.senderDeviceId === self.deviceId &&
    cert.identityKey.equals(identity) &&
    cert.validate(root, now)
  );
}

async function fetchCertificate(api: HttpApi): Promise<SenderCertificate> {
  const res = await api.senderCertificate(); // refusals arrive as the server's ClientError
  try {
    return SenderCertificate.deserialize(SenderCertificateResponseSchema(res, '').certificate);
  } catch {
    throw new ClientError('ServerError', 'the server sent a malformed sender certificate', {
      code: 'malformed_response',
    });
  }
}

/**
 * The certificate source of one device. A new certificate is staged in
 * `stores` and so persisted with the ratchet step of the message it seals.
 * @example
 * const certificate = senderCertificates(stores, api, account, () => root);
 * const cert = await certificate(Date.now());
 */
export function senderCertificates(
  stores: ProtocolStores,
  api: HttpApi,
  self: Self,
  trustRoot: () => Promise<PublicKey>,
): CertificateSource {
  let cached: SenderCertificate | undefined;
  /** What `cached` was checked against: its signatures need no second check (two verifications per send). */
  let checkedWith: { root: PublicKey; identity: PublicKey } | undefined;
  return async (now) => {
    const root = await trustRoot();
    const identity = (await stores.identities.getIdentityKeyPair()).publicKey;
    const usable = (c: SenderCertificate | undefined): c is SenderCertificate =>
      c !== undefined && fits(c, root, self, identity, now + REFRESH_MARGIN_MS);
    if (
      cached &&
      checkedWith?.root.equals(root) &&
      checkedWith.identity.equals(identity) &&
      now + REFRESH_MARGIN_MS <= cached.expiration
    )
      return cached;
    if (usable(cached)) {
      checkedWith = { root, identity };
      return cached;
    }
    const stored = await stores.get(NS.self, RECORD);
    const kept = stored ? SenderCertificate.deserialize(stored) : undefined;
    if (usable(kept)) {
      cached = kept;
      checkedWith = { root, identity };
      return kept;
    }
    const fresh = await fetchCertificate(api);
    if (!fits(fresh, root, self, identity, now)) {
      throw new ClientError(
        'ServerError',
        'the server issued a sender certificate that does not chain to the pinned trust root or does not name this device',
        { code: 'bad_certificate' },
      );
    }
    stores.set(NS.self, RECORD, fresh.serialize());
    cached = fresh;
    checkedWith = { root, identity };
    return fresh;
  };
}
