/** @tacet/cli — the `tacet` command; the binary is src/bin.ts. Exposed for tests. */
export { CliError, report } from './cli-error.js';
export { dataHome, profileDir, serverDataDir } from './paths.js';
