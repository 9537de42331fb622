/**
 * PostgreSQL adapter of {@link CertificateKeyStore}. Nodes starting together
 * all insert with ON CONFLICT DO NOTHING and then read back, so every node
 * signs under the same root.
 */
import type {
  CertificateKeyStore,
  ServerKeyRow,
  TrustRootRow,
} from '../../certificates/certificate-key-store.js';
import type { PgPool } from './driver.js';

const u8 = (b: Buffer) => new Uint8Array(b);

export class PostgresCertificateKeyStore implements CertificateKeyStore {
  constructor(private readonly pool: PgPool) {}

  async initTrustRoot(root: TrustRootRow): Promise<TrustRootRow> {
    await this.pool.query(
      'INSERT INTO trust_root (id, public_key, private_key) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING',
      [root.publicKey, root.privateKey],
    );
    const { rows } = await this.pool.query<{ public_key: Buffer; private_key: Buffer }>(
      'SELECT public_key, private_key FROM trust_root WHERE id = 1',
    );
    const r = rows[0] as { public_key: Buffer; private_key: Buffer };
    return { publicKey: u8(r.public_key), privateKey: u8(r.private_key) };
  }

  async latestServerKey(): Promise<ServerKeyRow | undefined> {
    const { rows } = await this.pool.query<{ key_id: string; private_key: Buffer; certificate: Buffer }>(
      'SELECT key_id, private_key, certificate FROM server_certificate_keys ORDER BY key_id DESC LIMIT 1',
    );
    const r = rows[0];
    return r && { keyId: Number(r.key_id), privateKey: u8(r.private_key), certificate: u8(r.certificate) };
  }

  async addServerKey(row: ServerKeyRow): Promise<boolean> {
    const res = await this.pool.query(
      'INSERT INTO server_certificate_keys (key_id, private_key, certificate) VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING',
      [row.keyId, row.privateKey, row.certificate],
    );
    return res.rowCount === 1;
  }
}
