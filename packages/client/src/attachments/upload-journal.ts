/**
 * Keeps an unfinished upload's slot, key and IV in the client store — a
 * sealed record, so encrypted at rest like everything there — under a name
 * derived from the conversation and the file's identity (on Node its path,
 * size, inode and modification time): sending the same file to the same
 * conversation again, after the process died mid-upload, goes on where it
 * stopped. A changed file has another identity, so it is never spliced
 * onto an old upload. Forgotten once the message carrying it is sent, or
 * when found past its upload window.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { CreateAttachmentResponse } from '@tacet/wire';
import { fromBase64Url, toBase64Url } from '@tacet/wire';
import type { ClientStore } from '../store/types.js';
import { toHex } from '../util.js';
import type { SavedUpload, UploadJournal } from './upload.js';

const NS = 'attachment-upload';
const te = new TextEncoder();
const td = new TextDecoder();

interface Stored {
  slot: CreateAttachmentResponse;
  key: string;
  iv: string;
  total: number;
}

function decode(v: Uint8Array): SavedUpload | undefined {
  try {
    const s = JSON.parse(td.decode(v)) as Stored;
    const slot = s.slot;
    if (typeof slot?.id !== 'string' || typeof slot.uploadCredential !== 'string') return undefined;
    if (!Number.isSafeInteger(s.total) || !Number.isSafeInteger(slot.uploadExpiresAt)) return undefined;
    return { slot, key: fromBase64Url(s.key), iv: fromBase64Url(s.iv), total: s.total };
  } catch {
    return undefined; // written by another version, or damaged: upload afresh
  }
}

/** The journal of sending the file known as `fileKey` to `conversation`. */
export function storeJournal(
  store: ClientStore,
  conversation: string,
  fileKey: string,
): UploadJournal & { forget(): Promise<void> } {
  const key = toHex(sha256(te.encode(`${conversation}\0${fileKey}`)));
  const forget = () => store.apply({ records: [{ ns: NS, key, value: null }] });
  return {
    async load() {
      const v = await store.getRecord(NS, key);
      const saved = v && decode(v);
      if (v && (!saved || saved.slot.uploadExpiresAt <= Date.now())) await forget();
      return saved && saved.slot.uploadExpiresAt > Date.now() ? saved : undefined;
    },
    async save(u) {
      const s: Stored = { slot: u.slot, key: toBase64Url(u.key), iv: toBase64Url(u.iv), total: u.total };
      await store.apply({ records: [{ ns: NS, key, value: te.encode(JSON.stringify(s)) }] });
    },
    forget,
  };
}
