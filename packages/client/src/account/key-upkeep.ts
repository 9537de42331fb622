/**
 * Prekey upkeep: generates one-time EC and Kyber prekeys, the signed prekey
 * and the Kyber last-resort key, uploads their public halves and keeps the
 * private halves in the store. `topUp` refills when the server's count runs
 * low and rotates the signed prekey when it gets old, as Signal clients do.
 */
import { type IdentityKeyPair, KyberPreKeyRecord, PreKeyRecord, SignedPreKeyRecord } from '@tacet/protocol';
import { NS, type ProtocolStores, readU32, u32 } from '../sessions/protocol-stores.js';
import type { ClientStore } from '../store/types.js';
import type { HttpApi, KeysUploadJson } from '../transport/http-api.js';
import { b64u } from '../transport/http-api.js';
import type { Mutex } from '../util.js';

/** One-time EC prekeys per upload (the server's per-upload maximum is 100). */
export const PREKEY_BATCH = 100;
/** One-time Kyber prekeys per upload: each public key is 1569 bytes, so fewer. */
export const KYBER_BATCH = 20;
/** Refill when fewer than this many one-time keys are left on the server. */
export const LOW_WATER = 10;
/** Rotate the signed prekey (and the Kyber last-resort key) after two days. */
export const SIGNED_PREKEY_MAX_AGE_MS = 2 * 24 * 3600 * 1000;

/** Ids are 24-bit and wrap, like Signal's Medium.MAX_VALUE. */
const MAX_ID = 0xffffff;

async function nextIds(stores: ProtocolStores, name: string, count: number): Promise<number[]> {
  const start = readU32((await stores.get(NS.self, name)) ?? u32(1)) || 1;
  const ids = Array.from({ length: count }, (_, i) => ((start - 1 + i) % MAX_ID) + 1);
  stores.set(NS.self, name, u32(((start - 1 + count) % MAX_ID) + 1));
  return ids;
}

const signedJson = (r: SignedPreKeyRecord) => ({
  keyId: r.id,
  publicKey: b64u(r.keyPair.publicKey.serialize()),
  signature: b64u(r.signature),
});
const kyberJson = (r: KyberPreKeyRecord) => ({
  keyId: r.id,
  publicKey: b64u(r.keyPair.publicKey.serialize()),
  signature: b64u(r.signature),
});

export interface UpkeepPlan {
  preKeys: number;
  kyberPreKeys: number;
  rotateSigned: boolean;
}

/** Generates what `plan` asks for, stages the private records, returns the upload body. */
export async function prepareUpload(
  stores: ProtocolStores,
  identity: IdentityKeyPair,
  plan: UpkeepPlan,
  now: number,
): Promise<KeysUploadJson> {
  const body: Record<string, unknown> = { identityKey: b64u(identity.publicKey.serialize()) };
  if (plan.preKeys > 0) {
    const records = (await nextIds(stores, 'next-prekey-id', plan.preKeys)).map((id) =>
      PreKeyRecord.generate(id),
    );
    for (const r of records) await stores.preKeys.savePreKey(r.id, r);
    body.preKeys = records.map((r) => ({ keyId: r.id, publicKey: b64u(r.keyPair.publicKey.serialize()) }));
  }
  if (plan.kyberPreKeys > 0) {
    const ids = await nextIds(stores, 'next-kyber-id', plan.kyberPreKeys);
    const records = ids.map((id) => KyberPreKeyRecord.generate(id, identity, now));
    for (const r of records) await stores.kyberPreKeys.saveKyberPreKey(r.id, r);
    body.pqPreKeys = records.map(kyberJson);
  }
  if (plan.rotateSigned) {
    const [spkId] = await nextIds(stores, 'next-signed-id', 1);
    const spk = SignedPreKeyRecord.generate(spkId as number, identity, now);
    await stores.signedPreKeys.saveSignedPreKey(spk.id, spk);
    const [lrId] = await nextIds(stores, 'next-kyber-id', 1);
    const lastResort = KyberPreKeyRecord.generate(lrId as number, identity, now);
    await stores.kyberPreKeys.saveKyberPreKey(lastResort.id, lastResort);
    stores.setKyberLastResortId(lastResort.id);
    stores.set(NS.self, 'signed-prekey-at', new TextEncoder().encode(String(now)));
    await forgetOldSignedPreKeys(stores, spk.id, now);
    body.signedPreKey = signedJson(spk);
    body.pqLastResortPreKey = kyberJson(lastResort);
  }
  return body as KeysUploadJson;
}

/**
 * Signed prekeys replaced more than 30 days ago are deleted: a message that
 * old using one cannot still be in flight (the server keeps 7 days), and
 * keeping private keys longer would weaken forward secrecy.
 */
export const SIGNED_PREKEY_GRACE_MS = 30 * 24 * 3600 * 1000;

async function forgetOldSignedPreKeys(stores: ProtocolStores, currentId: number, now: number): Promise<void> {
  for (const { key, value } of await stores.listStored(NS.signedPreKey)) {
    if (Number(key) === currentId) continue;
    if (SignedPreKeyRecord.deserialize(value).timestamp < now - SIGNED_PREKEY_GRACE_MS) {
      stores.set(NS.signedPreKey, key, null);
    }
  }
}

/** What needs doing now, given the server's counts and the signed prekey's age. */
export async function planUpkeep(stores: ProtocolStores, api: HttpApi, now: number): Promise<UpkeepPlan> {
  const counts = await api.keyCount();
  const at = await stores.get(NS.self, 'signed-prekey-at');
  const age = at ? now - Number(new TextDecoder().decode(at)) : Number.POSITIVE_INFINITY;
  return {
    preKeys: counts.preKeys < LOW_WATER ? PREKEY_BATCH : 0,
    kyberPreKeys: counts.pqPreKeys < LOW_WATER ? KYBER_BATCH : 0,
    rotateSigned: !(age < SIGNED_PREKEY_MAX_AGE_MS),
  };
}

/** Plans, generates, stores (before uploading) and uploads what upkeep needs now. */
export async function runUpkeep(
  stores: ProtocolStores,
  store: ClientStore,
  api: HttpApi,
  lock: Mutex,
  now: number,
): Promise<void> {
  const plan = await planUpkeep(stores, api, now);
  if (plan.preKeys === 0 && plan.kyberPreKeys === 0 && !plan.rotateSigned) return;
  const body = await lock.run(async () => {
    const identity = await stores.identities.getIdentityKeyPair();
    const b = await prepareUpload(stores, identity, plan, now);
    await store.apply({ records: stores.takeWrites() });
    return b;
  });
  await api.uploadKeys(body);
}
