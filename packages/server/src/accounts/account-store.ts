/**
 * Port for accounts and their devices. Adapters: storage/sqlite (embedded
 * default), storage/postgres (several nodes). All methods are async so a
 * networked database fits; ids are raw 16-byte account ids.
 */
import { MAX_LISTED_DEVICE_ID } from '@tacet/protocol';

/** A device as the server knows it: only a hash of its credential. */
export interface DeviceRecord {
  accountId: Uint8Array;
  deviceId: number;
  /** SHA-256 of the device credential. */
  credentialHash: Uint8Array;
  registrationId: number;
}

/** What a new account starts with: its first device (id 1). */
export interface NewAccount {
  accountId: Uint8Array;
  credentialHash: Uint8Array;
  registrationId: number;
  /** Registration time, ms; adapters keep only its UTC day ({@link registrationDay}). */
  createdAt: number;
}

/** One day in ms. */
export const DAY_MS = 86_400_000;

/**
 * The start of the UTC day of `ms`: what is stored as an account's
 * registration time. A millisecond stamp would let a seized database be
 * matched against a network log of who registered when.
 * @example registrationDay(Date.UTC(2026, 0, 2, 13, 45)) === Date.UTC(2026, 0, 2)
 */
export function registrationDay(ms: number): number {
  return ms - (ms % DAY_MS);
}

/** The highest device id a signed device list can name. */
export const MAX_DEVICE_ID = MAX_LISTED_DEVICE_ID;

/** Every device number of the account was taken once; ids are never handed out twice. */
export class DeviceIdsUsedUp extends Error {
  override readonly name = 'DeviceIdsUsedUp';
  constructor() {
    super(`this account has linked ${MAX_DEVICE_ID} devices over its life; device numbers are not reused`);
  }
}

export interface AccountStore {
  /** Creates the account with device 1. Resolves false if the id already exists. */
  createAccount(account: NewAccount): Promise<boolean>;
  /**
   * Adds a device to an existing account under a number it never had before
   * (one above the highest it ever had, even if that device was removed);
   * undefined if the account is gone or has `maxDevices`. Throws
   * DeviceIdsUsedUp after device MAX_DEVICE_ID.
   */
  addDevice(
    accountId: Uint8Array,
    credentialHash: Uint8Array,
    registrationId: number,
    maxDevices: number,
  ): Promise<number | undefined>;
  /** The device, or undefined. */
  getDevice(accountId: Uint8Array, deviceId: number): Promise<DeviceRecord | undefined>;
  /**
   * Deletes one device with its credential, keys and queued messages (its
   * account unlinked it). Resolves false if there was no such device.
   */
  removeDevice(accountId: Uint8Array, deviceId: number): Promise<boolean>;
  /** Device ids of an account, ascending; empty if no such account. */
  listDeviceIds(accountId: Uint8Array): Promise<number[]>;
  /**
   * Deletes the account and everything it owns (devices, keys, queued
   * messages) in one transaction. Resolves false if there was no such account.
   */
  deleteAccount(accountId: Uint8Array): Promise<boolean>;
}
