/**
 * An attacker's tools for the e2e tests: sender certificates made by anyone
 * (a self-made chain, or the real server's key read from its database, as a
 * hostile server or a thief of its data would), sealed over a real session
 * and sent over the attacker's own connection.
 */
import { join } from 'node:path';
import { KeyPair, PrivateKey, PublicKey, SenderCertificate, ServerCertificate } from '@tacet/protocol';
import Database from 'better-sqlite3';
import { encodeContent } from '../../src/content/content.js';
import { pad } from '../../src/content/padding.js';
import type { TacetClient } from '../../src/index.js';
import { nodeWebSocket } from '../../src/index.node.js';
import { encryptForPeer } from '../../src/messenger/peer-crypto.js';
import { ProtocolStores } from '../../src/sessions/protocol-stores.js';
import { Connection } from '../../src/transport/connection.js';
import { HttpApi, wsLogin } from '../../src/transport/http-api.js';
import { randomId } from '../../src/util.js';

/** A server certificate and the private key that signs sender certificates under it. */
export interface Signer {
  readonly server: ServerCertificate;
  readonly key: PrivateKey;
  readonly root: PublicKey;
}

/** A chain of one's own: a fresh root that no client pinned. */
export function selfMadeSigner(): Signer {
  const root = KeyPair.generate();
  const key = KeyPair.generate();
  return {
    server: ServerCertificate.create(1, key.publicKey, root.privateKey),
    key: key.privateKey,
    root: root.publicKey,
  };
}

/** The real server's newest sender-certificate key, read from its SQLite file. */
export function stolenSigner(serverDir: string): Signer {
  const db = new Database(join(serverDir, 'tacet.sqlite'), { readonly: true });
  try {
    const k = db
      .prepare('SELECT private_key, certificate FROM server_certificate_keys ORDER BY key_id DESC LIMIT 1')
      .get() as { private_key: Buffer; certificate: Buffer };
    const r = db.prepare('SELECT public_key FROM trust_root').get() as { public_key: Buffer };
    return {
      server: ServerCertificate.deserialize(new Uint8Array(k.certificate)),
      key: PrivateKey.deserialize(new Uint8Array(k.private_key)),
      root: PublicKey.deserialize(new Uint8Array(r.public_key)),
    };
  } finally {
    db.close();
  }
}

/** A sender certificate naming `senderUuid` with `identityKey`, signed by `signer`. */
export function certificate(
  signer: Signer,
  senderUuid: string,
  identityKey: PublicKey,
  expiration = Date.now() + 3600_000,
): SenderCertificate {
  return SenderCertificate.create(
    { senderUuid, senderE164: null, senderDeviceId: 1, identityKey, expiration, signer: signer.server },
    signer.key,
  );
}

/** Forged contents an attacker would want applied: a text and a timer change. */
export function forgedContents(now = Date.now()) {
  return [
    encodeContent({
      kind: 'text',
      id: randomId(),
      sentAt: now,
      clock: 1,
      body: 'it is me, alice',
      timerSeconds: 0,
    }),
    encodeContent({ kind: 'timer', id: randomId(), sentAt: now + 1, clock: 2, timerSeconds: 5 }),
  ];
}

/**
 * `from` seals each content for `to` over a real session under its own
 * identity key and `cert`, and sends them over its own connection.
 */
export async function sendSealed(
  serverUrl: string,
  from: TacetClient,
  to: string,
  contents: Uint8Array[],
  cert: SenderCertificate,
): Promise<void> {
  const stores = new ProtocolStores(from.store);
  const api = new HttpApi(serverUrl, from.account);
  const conn = await Connection.open(
    `${serverUrl.replace(/^http/, 'ws')}/v1/ws`,
    wsLogin(from.account),
    nodeWebSocket,
    {
      onEnvelope: async () => undefined,
    },
  );
  try {
    for (const content of contents) {
      const envelopes = await encryptForPeer(
        stores,
        api,
        async () => cert,
        to,
        'target',
        pad(content),
        Date.now(),
      );
      await conn.send({ id: randomId(), ttlSeconds: 0, envelopes });
    }
    await from.store.apply({ records: stores.takeWrites() });
  } finally {
    await conn.close();
  }
}
