/**
 * Errors in words a person understands, each with what to do. The SDK's
 * messages are written for the terminal (they name commands and
 * environment variables) or carry the server's raw refusal; the web says
 * what happened instead, keyed on the stable error code.
 */
import { ClientError } from '@tacet/client';

const TEXT: Partial<Record<ClientError['code'], string>> = {
  WrongPassphrase: 'That passphrase is not right. Check it and try again.',
  StoreCorrupt:
    'The data this browser holds for tacet is damaged and cannot be opened. If it does not open after a reload, start over.',
  StoreLocked: 'tacet is open in another tab. Close it there, then reload this one.',
  NotRegistered:
    'This server no longer knows this browser’s account (its data may have been reset). Start over to create a new one.',
  ServerUnreachable:
    'Cannot reach the tacet server. Check your connection; messages wait here and go out once it is back.',
  Timeout: 'The server is taking too long to answer. Try again in a moment.',
  UntrustedIdentity:
    'This contact’s safety number changed. Compare it with them, then accept the new key before sending.',
  ServerError: 'The server could not do that just now. Try again in a moment.',
  Closed: 'tacet was closed. Reload the page.',
  UnknownGroup: 'That group is no longer on this device.',
  NotGroupMember: 'You are no longer a member of this group, so you cannot send to it or change it.',
  NotGroupAdmin: 'Only an admin of this group can change its members or settings.',
  InvalidLinkCode:
    'That is not a link code. Copy the whole code the new device shows (under “Link to an account”) and try again.',
  LinkExpired:
    'That link code expired or was already used. Start linking again on the new device for a fresh code.',
  LinkTampered:
    'The link did not check out — the codes may not have matched, or someone tried to get in between. Nothing was linked; start again on the new device.',
  LinkRefused: 'Linking was cancelled. Nothing was linked.',
  TooManyDevices: 'This account already has 5 devices. Remove one under Devices first.',
};

/** Codes whose SDK message is already plain language (names, ids, limits the person typed). */
const OWN_WORDS = new Set<ClientError['code']>([
  'NoSuchAccount',
  'InvalidAccountId',
  'InvalidName',
  'DuplicateContact',
  'UnknownContact',
  'InvalidContent',
  'InvalidDuration',
  'GroupTooLarge',
  'InvalidGroupChange',
]);

/** @example humanError(e) // 'That passphrase is not right. Check it and try again.' */
export function humanError(err: unknown): string {
  if (err instanceof ClientError) {
    const { name, group } = err.data;
    if (err.code === 'UntrustedIdentity' && typeof name === 'string' && typeof group === 'string')
      return `${name}’s safety number changed. Nothing goes to the group ${group} until you compare it with them and accept the new key.`;
    if (err.code === 'DevicesChanged' && typeof name === 'string')
      return `${name} linked or removed a device. You verified ${name}, so messages to them wait until you check with them that the change is theirs and accept it in your conversation with ${name}.`;
    if (OWN_WORDS.has(err.code)) return sentence(err.message);
    return TEXT[err.code] ?? 'Something went wrong. Try again; if it keeps happening, reload the page.';
  }
  return 'Something went wrong. Try again; if it keeps happening, reload the page.';
}

/** Capitalised, with the terminal's "tacet add ID NAME" hints dropped. */
export function sentence(message: string): string {
  const plain = message.replace(/;? ?(add one with|rename it instead) ?\(?: ?tacet [^)]*\)?/g, '').trim();
  return `${plain.charAt(0).toUpperCase()}${plain.slice(1)}${/[.!?]$/.test(plain) ? '' : '.'}`;
}
