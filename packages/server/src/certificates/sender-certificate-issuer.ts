/**
 * Issues libsignal-format sender certificates (packages/server/README.md,
 * "Sender certificates"): a SenderCertificate binding an account, a device and the identity
 * key the server holds for it, signed by the newest server-certificate key,
 * whose ServerCertificate the trust root signed. This module owns key
 * creation and rotation; the keys live behind {@link CertificateKeyStore}.
 */
import { KeyPair, PrivateKey, PublicKey, SenderCertificate, ServerCertificate } from '@tacet/protocol';
import { SENDER_CERTIFICATE_LIFETIME_MS } from '../limits.js';
import type { CertificateKeyStore, ServerKeyRow } from './certificate-key-store.js';

/** What one certificate names. */
export interface CertificateSubject {
  /** The account id in its canonical string form (formatAccountId). */
  accountId: string;
  deviceId: number;
  /** The identity key stored for the account (33 bytes). */
  identityKey: Uint8Array;
}

/** Signs a fresh server-certificate key with the root and stores it under the next id. */
async function addServerKey(store: CertificateKeyStore, root: PrivateKey): Promise<number> {
  for (;;) {
    const latest = await store.latestServerKey();
    const keyId = (latest?.keyId ?? 0) + 1;
    const key = KeyPair.generate();
    const certificate = ServerCertificate.create(keyId, key.publicKey, root).serialize();
    // Another node (or an operator's rotation) may take the id first: then try the next one.
    if (await store.addServerKey({ keyId, privateKey: key.privateKey.serialize(), certificate }))
      return keyId;
  }
}

async function loadRoot(store: CertificateKeyStore): Promise<PrivateKey> {
  const fresh = KeyPair.generate();
  const root = await store.initTrustRoot({
    publicKey: fresh.publicKey.serialize(),
    privateKey: fresh.privateKey.serialize(),
  });
  return PrivateKey.deserialize(root.privateKey);
}

/**
 * Makes a new server-certificate key signed by the root (creating the root
 * first on an empty database); certificates issued from now on use it, and
 * those signed by older keys stay valid until they expire.
 * @example const keyId = await rotateServerCertificateKey(storage.certificates)
 */
export async function rotateServerCertificateKey(store: CertificateKeyStore): Promise<number> {
  return addServerKey(store, await loadRoot(store));
}

/**
 * @example
 * const issuer = await SenderCertificateIssuer.open(storage.certificates);
 * const bytes = await issuer.issue({ accountId, deviceId: 1, identityKey }, Date.now());
 */
export class SenderCertificateIssuer {
  private constructor(
    private readonly store: CertificateKeyStore,
    /** The public half clients pin (33 bytes). */
    readonly trustRoot: PublicKey,
  ) {}

  /** Loads the root and a server-certificate key, creating them on first start. */
  static async open(store: CertificateKeyStore): Promise<SenderCertificateIssuer> {
    const root = await loadRoot(store);
    if (!(await store.latestServerKey())) await addServerKey(store, root);
    return new SenderCertificateIssuer(store, root.getPublicKey());
  }

  /** A serialized SenderCertificate valid for a day from `now` (ms). */
  async issue(
    subject: CertificateSubject,
    now: number,
  ): Promise<{ certificate: Uint8Array; expires: number }> {
    // Read on every issue (a few per device per day): a rotation by `tacet admin` takes effect at once.
    const key = (await this.store.latestServerKey()) as ServerKeyRow;
    const expires = now + SENDER_CERTIFICATE_LIFETIME_MS;
    const cert = SenderCertificate.create(
      {
        senderUuid: subject.accountId,
        senderE164: null,
        senderDeviceId: subject.deviceId,
        identityKey: PublicKey.deserialize(subject.identityKey),
        expiration: expires,
        signer: ServerCertificate.deserialize(key.certificate),
      },
      PrivateKey.deserialize(key.privateKey),
    );
    return { certificate: cert.serialize(), expires };
  }
}
