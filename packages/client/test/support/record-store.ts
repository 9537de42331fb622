/**
 * Just the record half of a ClientStore, in memory: enough for the units
 * that read and write records (ProtocolStores, the device-list rule) without
 * opening a real store. Values are copied in and out, as a database would.
 */
import type { ClientStore, WriteBatch } from '../../src/store/types.js';

/** @example const stores = new ProtocolStores(recordStore()); */
export function recordStore(): ClientStore {
  const records = new Map<string, Uint8Array>();
  const k = (ns: string, key: string) => `${ns}/${key}`;
  return {
    getRecord: async (ns, key) => records.get(k(ns, key))?.slice(),
    apply: async (b: WriteBatch) => {
      for (const r of b.records ?? []) {
        if (r.value) records.set(k(r.ns, r.key), r.value.slice());
        else records.delete(k(r.ns, r.key));
      }
    },
  } as ClientStore;
}
