/**
 * A local stand-in for better-sqlite3's prebuilt-binary download, so the
 * install test needs no GitHub and no half-hour C++ build on a busy machine.
 * prebuild-install honours `npm_config_better_sqlite3_binary_host` (its
 * documented mirror setting) and fetches
 * `<host>/v<version>/better-sqlite3-v<version>-node-v<abi>-<platform>-<arch>.tar.gz`;
 * we serve the binary the checkout's `npm ci` already built, for that exact
 * version only. Any other request is a 404, and prebuild-install then falls
 * back to compiling, as it would for a user without a prebuilt binary.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export async function startPrebuiltMirror(repo: string, workDir: string) {
  const pkg = join(repo, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string };
  const binary = join(pkg, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(binary)) throw new Error(`${binary} missing: run npm ci first`);
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  mkdirSync(workDir, { recursive: true });
  const tarball = join(workDir, name);
  // A prebuild tarball holds build/Release/<module>.node, relative to the package.
  execFileSync('tar', ['-czf', tarball, '-C', pkg, 'build/Release/better_sqlite3.node']);
  const body = readFileSync(tarball);
  const served: string[] = [];
  const server = createServer((req, res) => {
    served.push(req.url ?? '');
    if (req.url === `/v${version}/${name}`)
      res.writeHead(200, { 'content-type': 'application/gzip' }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    host: `http://127.0.0.1:${port}`,
    served,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
