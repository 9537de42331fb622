/**
 * Group traffic from another device of this account (issues 13 + 11): its
 * group changes and sender keys are applied as any member's, and what it
 * sent in a group shows here as sent by us — with the same id, so a copy
 * arriving twice is kept once, and its countdown from the sending time.
 * Only a device of our own newest signed list counts (unlistedSibling): the
 * sealed sender check already proved the identity key is ours, and a device
 * unlinked since (it still holds that key) is refused.
 */
import type { Content } from '../content/content.js';
import { ownDeviceList } from '../devices/own-device-list.js';
import { ownListOutOfDate, refreshOwnDeviceList } from '../devices/own-list-refresh.js';
import { ClientError } from '../errors.js';
import type { ClientEvent } from '../events.js';
import { applyGroupControl, groupMessageTarget } from '../groups/group-inbox.js';
import type { MessageRecord } from '../store/types.js';
import { toHex } from '../util.js';
import { applyMessageAction, selfAuthor } from './apply-action.js';
import type { InboxContext } from './inbox.js';

type Sender = { readonly accountId: string; readonly deviceId: number };
type GroupControlContent = Extract<Content, { kind: 'group' }>;
type GroupTagged<K extends Content['kind']> = Extract<Content, { kind: K }> & {
  readonly group: NonNullable<Extract<Content, { kind: 'text' }>['group']>;
};
type GroupPost = GroupTagged<'text' | 'attachment'>;
export type OwnGroupTraffic = GroupControlContent | GroupPost | GroupTagged<'action'>;

/**
 * Group content a sibling may send us: a control message, a text or file it
 * posted in a group, or its reaction, edit or delete there.
 */
export function isOwnGroupTraffic(content: Content): content is OwnGroupTraffic {
  if (content.kind === 'group') return content.control.type !== 'welcome'; // we are never added by ourselves
  const tagged = content.kind === 'text' || content.kind === 'attachment' || content.kind === 'action';
  return tagged && content.group !== undefined;
}

/**
 * Undefined when `from` is a device of our own newest signed list; else the
 * error event saying its message was dropped. Any message from our own
 * account is checked so: one from a device unlinked since (it still holds
 * our identity key, and a hostile server may keep it) never counts. A
 * device we do not know, or a message announcing a newer list, first makes
 * us catch up with our own signed list (once per batch): a sibling linked by
 * another of our devices is then known.
 */
export async function unlistedSibling(
  ctx: InboxContext,
  from: Sender,
  announced?: number,
): Promise<ClientEvent | undefined> {
  if (ctx.servedOwnList && ctx.self && !ctx.batch.ownListChecked) {
    if (await ownListOutOfDate(ctx.stores, from.deviceId, announced)) {
      ctx.batch.ownListChecked = true;
      try {
        await refreshOwnDeviceList(ctx.stores, ctx.servedOwnList, ctx.self);
      } catch (e) {
        if (!(e instanceof ClientError && e.is('DeviceListRefused'))) throw e;
        if (!(await ownDeviceList(ctx.stores))?.device(from.deviceId)) return { type: 'error', error: e };
      }
    }
  }
  if ((await ownDeviceList(ctx.stores))?.device(from.deviceId)) return undefined;
  const error = new Error(
    `dropped a message from your device ${from.deviceId}: it is not in your device list (unlinked?)`,
  );
  return { type: 'error', error };
}

/** Applies a listed sibling's group content to the inbox batch; returns what the UI should hear. */
export async function collectOwnGroup(
  ctx: InboxContext,
  from: Sender,
  content: OwnGroupTraffic,
): Promise<ClientEvent[]> {
  if (content.kind === 'group') return applyGroupControl(ctx, from, content);
  const target = await groupMessageTarget(ctx, from, content.group);
  if (target.conversationId === undefined) return target.events;
  if (content.kind === 'action')
    return [...target.events, ...(await applyMessageAction(ctx, target.conversationId, selfAuthor, content))];
  const id = toHex(content.id);
  if (ctx.batch.putMessages.some((m) => m.id === id) || (await ctx.store.getMessage(id)))
    return target.events;
  const message: Omit<MessageRecord, 'seq'> = {
    id,
    conversationId: target.conversationId,
    direction: 'out',
    kind: content.kind,
    body: content.body,
    ...(content.kind === 'attachment' ? { attachment: content.pointer } : {}),
    sentAt: content.sentAt,
    clock: content.clock,
    receivedAt: ctx.now,
    timerSeconds: content.timerSeconds,
    // The sibling's countdown began when it sent: the same deadline here.
    expiresAt: content.timerSeconds > 0 ? content.sentAt + content.timerSeconds * 1000 : null,
    status: 'sent',
    contentId: id,
    ...(content.kind === 'text' && content.replyTo ? { replyTo: toHex(content.replyTo) } : {}),
  };
  ctx.batch.putMessages.push(message);
  return [...target.events, { type: 'message', message: { ...message, seq: 0 } }];
}
