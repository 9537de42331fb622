/**
 * Port for the keys behind sender certificates (packages/server/README.md,
 * "Sender certificates"): the trust root clients pin at registration, and the numbered
 * server-certificate keys it signs. Adapters: storage/sqlite, storage/postgres.
 *
 * @NOTE Signal keeps its trust root offline. tacet keeps it in the server's
 * database so a self-hosted server can rotate its server-certificate key
 * (`tacet admin rotate-sender-key`) with nothing else to look after; a
 * backup therefore holds the root's private key and must be protected as such.
 */

/** The trust root: a Curve25519 key pair, each half in its 33/32-byte serialized form. */
export interface TrustRootRow {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

/** A server-certificate key: its id, private key and the ServerCertificate the root signed for it. */
export interface ServerKeyRow {
  keyId: number;
  privateKey: Uint8Array;
  /** Serialized libsignal ServerCertificate. */
  certificate: Uint8Array;
}

export interface CertificateKeyStore {
  /** Stores `root` unless a root exists; resolves the stored one (the first writer wins on every node). */
  initTrustRoot(root: TrustRootRow): Promise<TrustRootRow>;
  /** The server-certificate key with the highest id, or undefined before the first. */
  latestServerKey(): Promise<ServerKeyRow | undefined>;
  /** Adds a server-certificate key; false if its id is taken. */
  addServerKey(row: ServerKeyRow): Promise<boolean>;
}
