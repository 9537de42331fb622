/**
 * The provisioning message: what the existing device hands the new one
 * inside the sealed channel (docs/provisioning.md, byte layout there). It
 * carries the identity key pair, the new device's login, the signed device
 * list naming it, and the account's records a person relies on — contacts
 * with their names and timers, identity keys seen and accepted, verification
 * marks, open key-change flags, contacts' verified device lists, settings,
 * and the groups the account is in (each with the new device's own sender
 * key bookkeeping, empty).
 * Never sessions or prekeys: each device has its own.
 * One canonical form; anything else is `LinkTampered` with a reason.
 */
import { concatBytes } from '@tacet/protocol';
import { ClientError } from '../errors.js';
import { checkLinkedGroupRecord, GROUP_NS } from '../groups/group-book.js';
import { FORMAT } from './provisioning-cipher.js';

/** Namespaces copied whole to a linked device. */
export const COPIED_NAMESPACES: readonly string[] = [
  'contact',
  'contact-name',
  'group',
  'identity',
  'trusted-identity',
  'untrusted',
  'settings',
];
/** In 'self', only contacts' verified device lists are copied (the rest is this device's own). */
export const COPIED_SELF_PREFIX = 'device-list:';

/** One store record. */
export interface CopiedRecord {
  readonly ns: string;
  readonly key: string;
  readonly value: Uint8Array;
}

export interface ProvisioningPayload {
  /** The account's identity key pair: public key (33 bytes, 0x05 ‖ u) ‖ private scalar (32). */
  readonly identityKeyPair: Uint8Array;
  readonly accountId: Uint8Array;
  readonly deviceId: number;
  /** The new device's 32-byte credential secret. */
  readonly credential: Uint8Array;
  /** The server's trust root the account pinned (33 bytes). */
  readonly trustRoot: Uint8Array;
  /** The signed device list naming the new device. */
  readonly deviceList: Uint8Array;
  /** Records in ascending (ns, key) order. */
  readonly records: readonly CopiedRecord[];
}

const te = new TextEncoder();
const td = new TextDecoder('utf-8', { fatal: true });

/** Whether a record belongs in the payload. */
export function isCopied(ns: string, key: string): boolean {
  return COPIED_NAMESPACES.includes(ns) || (ns === 'self' && key.startsWith(COPIED_SELF_PREFIX));
}

const u16 = (n: number) => Uint8Array.of(n >>> 8, n & 0xff);
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

function compareRecords(a: CopiedRecord, b: CopiedRecord): number {
  if (a.ns !== b.ns) return a.ns < b.ns ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Sorts `records` into the canonical order. */
export function canonicalRecords(records: readonly CopiedRecord[]): CopiedRecord[] {
  return [...records].sort(compareRecords);
}

export function encodePayload(p: ProvisioningPayload): Uint8Array {
  const parts: Uint8Array[] = [
    Uint8Array.of(FORMAT),
    p.identityKeyPair,
    p.accountId,
    u16(p.deviceId),
    p.credential,
    p.trustRoot,
    u16(p.deviceList.length),
    p.deviceList,
    u32(p.records.length),
  ];
  for (const r of p.records) {
    const ns = te.encode(r.ns);
    const key = te.encode(r.key);
    parts.push(Uint8Array.of(ns.length), ns, u16(key.length), key, u32(r.value.length), r.value);
  }
  return concatBytes(...parts);
}

class Reader {
  #at = 0;
  constructor(private readonly b: Uint8Array) {}
  take(n: number, what: string): Uint8Array {
    if (this.#at + n > this.b.length) throw bad(`${what} cut short`);
    const out = this.b.slice(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }
  int(bytes: 1 | 2 | 4, what: string): number {
    return this.take(bytes, what).reduce((n, x) => n * 256 + x, 0);
  }
  text(n: number, what: string): string {
    try {
      return td.decode(this.take(n, what));
    } catch {
      throw bad(`${what} is not UTF-8`);
    }
  }
  get done(): boolean {
    return this.#at === this.b.length;
  }
}

function bad(reason: string): ClientError {
  return new ClientError('LinkTampered', `the provisioning message is malformed (${reason})`, { reason });
}

/** A group record must be one the new device can rebuild, or linking stops before anything is kept. */
function checkGroup(key: string, value: Uint8Array): void {
  try {
    checkLinkedGroupRecord(key, value);
  } catch {
    throw bad('malformed group');
  }
}

export function decodePayload(bytes: Uint8Array): ProvisioningPayload {
  const r = new Reader(bytes);
  if (r.int(1, 'format') !== FORMAT) throw bad('unknown format');
  const identityKeyPair = r.take(65, 'identity key pair');
  const accountId = r.take(16, 'account id');
  const deviceId = r.int(2, 'device id');
  if (deviceId < 2 || deviceId > 999) throw bad('device id out of range');
  const credential = r.take(32, 'credential');
  const trustRoot = r.take(33, 'trust root');
  const deviceList = r.take(r.int(2, 'device list length'), 'device list');
  const count = r.int(4, 'record count');
  const records: CopiedRecord[] = [];
  for (let i = 0; i < count; i++) {
    const ns = r.text(r.int(1, 'namespace length'), 'namespace');
    const key = r.text(r.int(2, 'key length'), 'key');
    const value = r.take(r.int(4, 'value length'), 'value');
    const record = { ns, key, value };
    if (!isCopied(ns, key)) throw bad(`record outside the copied namespaces`);
    if (ns === GROUP_NS) checkGroup(key, value);
    const previous = records[records.length - 1];
    if (previous && compareRecords(previous, record) >= 0) throw bad('records out of order');
    records.push(record);
  }
  if (!r.done) throw bad('trailing bytes');
  return { identityKeyPair, accountId, deviceId, credential, trustRoot, deviceList, records };
}
