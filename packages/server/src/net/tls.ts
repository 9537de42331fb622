/**
 * HTTPS for the API port: the certificate and key are read from files so a
 * renewal (certbot, acme.sh) only has to replace them and send SIGHUP;
 * `reloadTls()` swaps the secure context without dropping connections.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import { createSecureContext } from 'node:tls';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/** The part of an https.Server used for reloading. */
export interface TlsServer {
  setSecureContext(options: TlsFiles): void;
}

/** Reads both PEM files; errors name the file that could not be read. */
export async function readTlsFiles(config: { tlsCertFile?: string; tlsKeyFile?: string }): Promise<TlsFiles> {
  const read = async (path: string | undefined, what: string) => {
    if (!path) throw new RangeError(`invalid server config: ${what} is missing`);
    try {
      return await readFile(path);
    } catch (e) {
      throw new RangeError(`cannot read the TLS ${what} ${path}: ${(e as NodeJS.ErrnoException).code}`);
    }
  };
  const files = {
    cert: await read(config.tlsCertFile, 'certificate'),
    key: await read(config.tlsKeyFile, 'key'),
  };
  try {
    createSecureContext(files); // a key that does not match the certificate fails here, not at the first client
  } catch (e) {
    throw new RangeError(`the TLS certificate and key do not form a usable pair: ${(e as Error).message}`);
  }
  return files;
}

/** Options for @hono/node-server's createAdaptorServer that make it serve HTTPS. */
export function tlsServerFactory(files: TlsFiles) {
  return {
    createServer,
    serverOptions: { cert: files.cert, key: files.key, minVersion: 'TLSv1.2' as const },
  };
}
