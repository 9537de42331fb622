/** SQLite adapter of {@link CertificateKeyStore}. */
import type {
  CertificateKeyStore,
  ServerKeyRow,
  TrustRootRow,
} from '../../certificates/certificate-key-store.js';
import type { SqliteDatabase } from './database.js';
import type { GroupCommitter } from './group-commit.js';

interface RootRow {
  public_key: Buffer;
  private_key: Buffer;
}

interface KeyRow {
  key_id: number;
  private_key: Buffer;
  certificate: Buffer;
}

const u8 = (b: Buffer) => new Uint8Array(b);

export class SqliteCertificateKeyStore implements CertificateKeyStore {
  private readonly insertRoot;
  private readonly selectRoot;
  private readonly insertKey;
  private readonly selectLatest;

  constructor(
    db: SqliteDatabase,
    private readonly committer: GroupCommitter,
  ) {
    this.insertRoot = db.prepare(
      'INSERT OR IGNORE INTO trust_root (id, public_key, private_key) VALUES (1, ?, ?)',
    );
    this.selectRoot = db.prepare('SELECT public_key, private_key FROM trust_root WHERE id = 1');
    this.insertKey = db.prepare(
      'INSERT OR IGNORE INTO server_certificate_keys (key_id, private_key, certificate) VALUES (?, ?, ?)',
    );
    this.selectLatest = db.prepare(
      'SELECT key_id, private_key, certificate FROM server_certificate_keys ORDER BY key_id DESC LIMIT 1',
    );
  }

  initTrustRoot(root: TrustRootRow): Promise<TrustRootRow> {
    return this.committer.run(() => {
      this.insertRoot.run(root.publicKey, root.privateKey);
      const r = this.selectRoot.get() as RootRow;
      return { publicKey: u8(r.public_key), privateKey: u8(r.private_key) };
    });
  }

  async latestServerKey(): Promise<ServerKeyRow | undefined> {
    const r = this.selectLatest.get() as KeyRow | undefined;
    return r && { keyId: r.key_id, privateKey: u8(r.private_key), certificate: u8(r.certificate) };
  }

  addServerKey(row: ServerKeyRow): Promise<boolean> {
    return this.committer.run(
      () => this.insertKey.run(row.keyId, row.privateKey, row.certificate).changes === 1,
    );
  }
}
