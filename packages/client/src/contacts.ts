/**
 * Contacts: a local name for an account id, the conversation's timer and the
 * key the user verified. Stored only in the local (encrypted) store; nothing
 * about contacts ever goes to the server.
 */
import { formatAccountId, parseAccountId } from '@tacet/wire';
import { ClientError } from './errors.js';
import type { SettingVersion } from './messenger/ordering.js';
import type { ClientStore } from './store/types.js';
import { DEFAULT_TIMER_SECONDS } from './timers/duration.js';

export interface Contact {
  readonly accountId: string;
  readonly name: string;
  /** Disappearing timer of the conversation, seconds; 0 = off. */
  readonly timerSeconds: number;
  /** Which change set `timerSeconds`; absent = nobody changed the default yet. */
  readonly timerVersion?: SettingVersion;
  /** The conversation's Lamport clock: the highest we sent or saw (absent = 0). */
  readonly clock?: number;
  /** The identity key (hex) the user marked verified after comparing safety numbers. */
  readonly verifiedKey?: string;
  readonly addedAt: number;
}

const NS_CONTACT = 'contact';
const NS_NAME = 'contact-name';
const te = new TextEncoder();
const td = new TextDecoder();

/** Canonical account id from what a person typed; throws InvalidAccountId. */
export function canonicalAccountId(text: string): string {
  try {
    return formatAccountId(parseAccountId(text));
  } catch (e) {
    // The parser's own words ("check character is wrong") mean nothing to a person; say what to do.
    throw new ClientError(
      'InvalidAccountId',
      `"${text}" is not a tacet id: it looks mistyped (an id is 27 letters and digits; the last one checks the others). Copy it again from the person`,
      { reason: (e as Error).message },
    );
  }
}

const NAME_RE = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u;

function checkName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new ClientError(
      'InvalidName',
      `"${name}" is not a usable name: start with a letter or digit; then letters, digits, space, . _ - (64 at most)`,
    );
  }
}

/** Reads contacts and prepares their writes (the caller applies them). */
export class Contacts {
  readonly #store: ClientStore;

  constructor(store: ClientStore) {
    this.#store = store;
  }

  async byId(accountId: string): Promise<Contact | undefined> {
    const v = await this.#store.getRecord(NS_CONTACT, accountId);
    return v ? (JSON.parse(td.decode(v)) as Contact) : undefined;
  }

  /** Finds a contact by local name or by account id. */
  async find(nameOrId: string): Promise<Contact | undefined> {
    const id = await this.#store.getRecord(NS_NAME, nameOrId.toLowerCase());
    if (id) return this.byId(td.decode(id));
    try {
      return await this.byId(canonicalAccountId(nameOrId));
    } catch {
      return undefined;
    }
  }

  /** Like `find`, but a missing contact is an error that says what to do. */
  async get(nameOrId: string): Promise<Contact> {
    const c = await this.find(nameOrId);
    if (!c)
      throw new ClientError('UnknownContact', `no contact "${nameOrId}"; add one with: tacet add ID NAME`);
    return c;
  }

  async list(): Promise<Contact[]> {
    const all = await this.#store.listRecords(NS_CONTACT);
    return all
      .map((r) => JSON.parse(td.decode(r.value)) as Contact)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Validates a new contact and returns it with the writes that store it. */
  async prepareAdd(accountIdText: string, name: string, now: number) {
    const accountId = canonicalAccountId(accountIdText);
    checkName(name);
    const old = await this.byId(accountId);
    // Adding a known id again used to rename it silently; renaming is its own, explicit step.
    if (old) {
      throw new ClientError(
        'DuplicateContact',
        `that id is already in your contacts as "${old.name}"; rename it instead (tacet rename ${old.name} NEWNAME)`,
      );
    }
    await this.#nameFree(name, accountId);
    const contact: Contact = { accountId, name, timerSeconds: DEFAULT_TIMER_SECONDS, addedAt: now };
    return { contact, writes: this.writes(contact) };
  }

  /** Validates a new name for an existing contact and returns the writes that rename it. */
  async prepareRename(nameOrId: string, name: string) {
    const old = await this.get(nameOrId);
    checkName(name);
    await this.#nameFree(name, old.accountId);
    const contact: Contact = { ...old, name };
    const writes = [
      ...(old.name.toLowerCase() !== name.toLowerCase()
        ? [{ ns: NS_NAME, key: old.name.toLowerCase(), value: null }]
        : []),
      ...this.writes(contact),
    ];
    return { contact, writes };
  }

  /** The writes that forget a contact (its messages are the caller's to delete). */
  removals(c: Contact) {
    return [
      { ns: NS_CONTACT, key: c.accountId, value: null },
      { ns: NS_NAME, key: c.name.toLowerCase(), value: null },
    ];
  }

  async #nameFree(name: string, accountId: string): Promise<void> {
    const clash = await this.#store.getRecord(NS_NAME, name.toLowerCase());
    if (clash && td.decode(clash) !== accountId) {
      throw new ClientError('DuplicateContact', `the name "${name}" is already taken by another contact`);
    }
  }

  /** Record writes that store `c` (name index included). */
  writes(c: Contact) {
    return [
      { ns: NS_CONTACT, key: c.accountId, value: te.encode(JSON.stringify(c)) as Uint8Array | null },
      { ns: NS_NAME, key: c.name.toLowerCase(), value: te.encode(c.accountId) as Uint8Array | null },
    ];
  }
}
