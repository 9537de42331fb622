/**
 * Statements of the PostgreSQL key store that take a table name (always one
 * of the constants below, never input) or bulk arrays.
 */
import { int, type PgQueryable } from './driver.js';

type SingleKeyTable = 'signed_prekeys' | 'kyber_last_resort_prekeys';
type OneTimeTable = 'one_time_prekeys' | 'one_time_kyber_prekeys';

const COLUMNS: Record<SingleKeyTable | OneTimeTable, string> = {
  signed_prekeys: 'key_id, public_key, signature',
  kyber_last_resort_prekeys: 'key_id, public_key, signature',
  one_time_prekeys: 'key_id, public_key',
  one_time_kyber_prekeys: 'key_id, public_key, signature',
};

/** The device's signed or last-resort key, if set. */
export async function selectKey<Row>(
  q: PgQueryable,
  table: SingleKeyTable,
  accountId: Uint8Array,
  deviceId: number,
): Promise<Row | undefined> {
  const { rows } = await q.query<Row>(
    `SELECT ${COLUMNS[table]} FROM ${table} WHERE account_id = $1 AND device_id = $2`,
    [accountId, deviceId],
  );
  return rows[0];
}

/** Deletes and returns the device's lowest unlocked one-time key of `table`. */
export async function claimOneTime<Row>(
  q: PgQueryable,
  table: OneTimeTable,
  accountId: Uint8Array,
  deviceId: number,
): Promise<Row | undefined> {
  const { rows } = await q.query<Row>(
    `DELETE FROM ${table} WHERE (account_id, device_id, key_id) = (
       SELECT account_id, device_id, key_id FROM ${table}
       WHERE account_id = $1 AND device_id = $2 ORDER BY key_id LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING ${COLUMNS[table]}`,
    [accountId, deviceId],
  );
  return rows[0];
}

/**
 * Upserts one-time keys (a key with an existing id replaces it) with one
 * statement per kind, and returns how many of each the device now holds.
 */
export async function putOneTimeKeys(
  q: PgQueryable,
  accountId: Uint8Array,
  deviceId: number,
  preKeys: readonly { keyId: number; publicKey: Uint8Array }[],
  pqPreKeys: readonly { keyId: number; publicKey: Uint8Array; signature: Uint8Array }[],
): Promise<{ preKeys: number; pqPreKeys: number }> {
  const ec = lastById(preKeys);
  const pq = lastById(pqPreKeys);
  if (ec.length > 0) {
    await q.query(
      `INSERT INTO one_time_prekeys (account_id, device_id, key_id, public_key)
       SELECT $1, $2, k, p FROM unnest($3::integer[], $4::bytea[]) AS u(k, p)
       ON CONFLICT (account_id, device_id, key_id) DO UPDATE SET public_key = EXCLUDED.public_key`,
      [accountId, deviceId, ec.map((k) => k.keyId), ec.map((k) => k.publicKey)],
    );
  }
  if (pq.length > 0) {
    await q.query(
      `INSERT INTO one_time_kyber_prekeys (account_id, device_id, key_id, public_key, signature)
       SELECT $1, $2, k, p, s FROM unnest($3::integer[], $4::bytea[], $5::bytea[]) AS u(k, p, s)
       ON CONFLICT (account_id, device_id, key_id) DO UPDATE
       SET public_key = EXCLUDED.public_key, signature = EXCLUDED.signature`,
      [accountId, deviceId, pq.map((k) => k.keyId), pq.map((k) => k.publicKey), pq.map((k) => k.signature)],
    );
  }
  const { rows } = await q.query<{ pre: string; pq: string }>(
    `SELECT (SELECT count(*) FROM one_time_prekeys WHERE account_id = $1 AND device_id = $2) AS pre,
            (SELECT count(*) FROM one_time_kyber_prekeys WHERE account_id = $1 AND device_id = $2) AS pq`,
    [accountId, deviceId],
  );
  return { preKeys: int(rows[0]?.pre), pqPreKeys: int(rows[0]?.pq) };
}

/** One key per id, the last one given (as a replacing insert would leave it); an upsert may touch a row once. */
function lastById<K extends { keyId: number }>(keys: readonly K[]): K[] {
  return [...new Map(keys.map((k) => [k.keyId, k])).values()];
}
