/**
 * A server in its own process, for crash tests: `node --conditions=source
 * --import tsx server-child.ts <dataDir>` prints `{"url": ...}` on stdout
 * once listening, and runs until killed.
 */
import { startServer } from '../../src/index.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: server-child.ts <dataDir>');
const server = await startServer({
  dataDir,
  port: 0,
  powBits: 4,
  registrationLimit: { burst: 1000, perHour: 1000 },
  logSink: () => {},
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.on('SIGTERM', () => {
  void server.close();
});
