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
    throw new ClientError('InvalidAccountId', `"${text}" is not a tacet id: ${(e as Error).message}`);
  }
}

const NAME_RE = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u;

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
    if (!NAME_RE.test(name)) {
      throw new ClientError(
        'InvalidName',
        `"${name}" is not a usable name: letters, digits, space, . _ - (max 64)`,
      );
    }
    const clash = await this.#store.getRecord(NS_NAME, name.toLowerCase());
    if (clash && td.decode(clash) !== accountId) {
      throw new ClientError('DuplicateContact', `the name "${name}" is already taken by another contact`);
    }
    const old = await this.byId(accountId);
    const contact: Contact = old
      ? { ...old, name }
      : { accountId, name, timerSeconds: DEFAULT_TIMER_SECONDS, addedAt: now };
    const writes = [
      ...(old && old.name.toLowerCase() !== name.toLowerCase()
        ? [{ ns: NS_NAME, key: old.name.toLowerCase(), value: null }]
        : []),
      ...this.writes(contact),
    ];
    return { contact, writes };
  }

  /** Record writes that store `c` (name index included). */
  writes(c: Contact) {
    return [
      { ns: NS_CONTACT, key: c.accountId, value: te.encode(JSON.stringify(c)) as Uint8Array | null },
      { ns: NS_NAME, key: c.name.toLowerCase(), value: te.encode(c.accountId) as Uint8Array | null },
    ];
  }
}
