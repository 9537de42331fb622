/**
 * Opens a group message (a SenderKeyMessage inside sealed sender) with the
 * sender key its member gave us. A failure is not answered with a retry
 * receipt (that repairs 1:1 sessions): it is reported, and the member's
 * next sender key (after a change, or on a catch-up) repairs it.
 */
import { groupDecrypt, type ProtocolAddress, ProtocolError } from '@tacet/protocol';
import { ClientError } from '../errors.js';
import type { ProtocolStores } from '../sessions/protocol-stores.js';
import { senderKeys } from './sender-keys.js';

/** CiphertextMessageType of a SenderKeyMessage. */
export const SENDER_KEY_TYPE = 7;

export async function openGroupMessage(
  stores: ProtocolStores,
  sender: ProtocolAddress,
  body: Uint8Array,
): Promise<Uint8Array> {
  try {
    return await groupDecrypt(sender, senderKeys(stores), body);
  } catch (e) {
    if (e instanceof ProtocolError && e.is('DuplicatedMessage')) throw e;
    const why =
      e instanceof ProtocolError && e.is('NoSession') ? 'its sender key never arrived' : (e as Error).message;
    throw new ClientError('InvalidContent', `could not read a group message from ${sender.name}: ${why}`);
  }
}
