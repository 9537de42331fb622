/**
 * The SDK's one error type. A stable `code` lets the CLI and the web client
 * show a clear message (and pick an exit code) without parsing text; the
 * message itself says what happened and what to do.
 */
export type ClientErrorCode =
  | 'WrongPassphrase'
  | 'StoreCorrupt'
  | 'StoreLocked'
  | 'NotRegistered'
  | 'AlreadyRegistered'
  | 'UnknownContact'
  | 'NoSuchAccount'
  | 'DuplicateContact'
  | 'InvalidName'
  | 'InvalidAccountId'
  | 'InvalidDuration'
  | 'InvalidContent'
  | 'UntrustedIdentity'
  | 'ImpersonatedSender'
  /** A contact's device list from the server is forged, older than the verified one, or withheld. */
  | 'DeviceListRefused'
  /** The server named a device of a contact that their newest verified device list does not. */
  | 'UnlistedDevice'
  /** A verified contact linked or removed a device: sending waits until the user accepts the change. */
  | 'DevicesChanged'
  /** Not a link code (mistyped or cut short). */
  | 'InvalidLinkCode'
  /** A link message failed its check: the codes differ, or someone in between altered the channel. */
  | 'LinkTampered'
  /** The person said the comparison codes differ, or cancelled the link. */
  | 'LinkRefused'
  /** The link channel is gone (it lasts 10 minutes); start again on the new device. */
  | 'LinkExpired'
  /** The account already has as many devices as it may. */
  | 'TooManyDevices'
  | 'NoIdentityClaim'
  | 'ClaimNotConfirmed'
  | 'AttachmentCorrupt'
  | 'AttachmentTooLarge'
  | 'AttachmentUnavailable'
  /** No group by that name or id in this profile. */
  | 'UnknownGroup'
  /** This profile left the group or was removed from it. */
  | 'NotGroupMember'
  /** Only the group's admins may make that change. */
  | 'NotGroupAdmin'
  /** More than 1,000 members. */
  | 'GroupTooLarge'
  /** A group change that does not fit the group (already a member, the last admin leaving...). */
  | 'InvalidGroupChange'
  | 'ServerError'
  | 'ServerUnreachable'
  | 'Timeout'
  | 'Closed';

/**
 * @example
 * try { await client.send('alice', 'hi') } catch (e) {
 *   if (e instanceof ClientError && e.is('UntrustedIdentity')) showKeyChange(e.data.name);
 * }
 */
export class ClientError extends Error {
  override readonly name = 'ClientError';
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly data: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }

  is(code: ClientErrorCode): boolean {
    return this.code === code;
  }
}
