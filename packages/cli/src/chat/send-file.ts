/**
 * `/file PATH` in `tacet chat`: prepares (metadata stripped), uploads and
 * sends a file, reporting progress as the notice line (a percentage every
 * 10%) so the screen stays usable meanwhile.
 */
import type { TacetClient } from '@tacet/client';
import { prepareFile } from '@tacet/client/node';
import { formatSize } from '../attachments/format-size.js';
import { type ChatConversation, sendFile } from './chat-conversation.js';

export async function sendChatFile(
  c: TacetClient,
  to: ChatConversation,
  path: string,
  notice: (text: string) => void,
): Promise<void> {
  const file = await prepareFile(path);
  let shown = -1;
  await sendFile(c, to, file, {
    onProgress: (done, total) => {
      const pct = Math.floor((done / total) * 10) * 10;
      if (pct === shown) return;
      shown = pct;
      notice(`sending ${file.fileName}: ${pct}%`);
    },
  });
  const warn = file.mayCarryMetadata ? ' (documents may carry metadata of their own)' : '';
  notice(`sent ${file.fileName} (${formatSize(file.size)}) to ${to.name} ✓${warn}`);
}
