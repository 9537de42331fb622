/**
 * `tacet send-file NAME PATH [--caption TEXT]`: strip, encrypt, upload with a
 * progress bar, send the pointer, to a contact or (no contact called NAME) a group.
 */
import { formatDuration } from '@tacet/client';
import { prepareFile } from '@tacet/client/node';
import type { Command } from 'commander';
import { formatSize } from '../attachments/format-size.js';
import { progressBar } from '../attachments/progress-bar.js';
import { meansGroup } from '../conversation.js';
import { type GlobalOptions, withClient } from '../session.js';

export function registerSendFileCommand(program: Command, g: () => GlobalOptions): void {
  program
    .command('send-file')
    .description('send a file or photo (photos lose their metadata first); exits 0 once the server has it')
    .argument('<name>', 'contact or group name (or id)')
    .argument('<path>', 'the file')
    .option('--caption <text>', 'a message to go with it')
    .action(async (name: string, path: string, o: { caption?: string }) => {
      const file = await prepareFile(path);
      if (file.mayCarryMetadata)
        process.stderr.write(
          'note: documents may carry metadata of their own (author, software, edit history); only JPEG, PNG and WebP photos are cleaned\n',
        );
      await withClient(g(), async (c) => {
        await c.connect().catch(() => undefined); // sendFile() reports an unreachable server clearly
        const bar = progressBar(`sending ${file.fileName}`);
        const opts = {
          ...(o.caption !== undefined ? { caption: o.caption } : {}),
          onProgress: (d: number, t: number) => bar.update(d, t),
          onResume: (d: number, t: number) =>
            process.stderr.write(
              `resuming the earlier upload of ${file.fileName}: ${formatSize(d)} of ${formatSize(t)} is already on the server\n`,
            ),
        };
        const m = (await meansGroup(c, name))
          ? await c.groups.sendFile(name, file, opts)
          : await c.sendFile(name, file, opts);
        bar.done();
        const left = m.expiresAt === null ? '' : `, disappears in ${formatDuration(m.timerSeconds)}`;
        process.stderr.write(`sent ${file.fileName} (${formatSize(file.size)}) to ${name}${left}\n`);
      });
    });
}
