/** A group control message as an outbox item: it goes 1:1, sealed, like any message. */
import { encodeContent } from '../content/content.js';
import type { OutboxItem } from '../store/types.js';
import { randomId, toHex } from '../util.js';
import type { GroupControl } from './group-control.js';

/** A 1:1 group control item for `recipient`, as the inbox and the SDK queue it. */
export function controlItem(recipient: string, control: GroupControl, now: number): OutboxItem {
  const id = randomId();
  const content = encodeContent({ kind: 'group', id, sentAt: now, control });
  return { id: toHex(id), recipient, content, createdAt: now, ttlSeconds: 0 };
}
