/**
 * Initial PostgreSQL schema. It mirrors the SQLite one with two additions on
 * `devices`: `next_seq`, the device's queue sequence counter, and
 * `queue_length`, so the cap check costs no COUNT. Both are updated under the
 * device row's lock, which is what makes sequence numbers commit in order
 * per device (a bigserial would not: a later number can commit first, and a
 * delivery cursor past it would skip the earlier one).
 */
export const up = `
CREATE TABLE accounts (
  id bytea PRIMARY KEY,
  identity_key bytea,
  created_at bigint NOT NULL
);

CREATE TABLE devices (
  account_id bytea NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  device_id integer NOT NULL,
  credential_hash bytea NOT NULL,
  registration_id integer NOT NULL,
  next_seq bigint NOT NULL DEFAULT 1,
  queue_length integer NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, device_id)
);

CREATE TABLE signed_prekeys (
  account_id bytea NOT NULL,
  device_id integer NOT NULL,
  key_id integer NOT NULL,
  public_key bytea NOT NULL,
  signature bytea NOT NULL,
  PRIMARY KEY (account_id, device_id),
  FOREIGN KEY (account_id, device_id) REFERENCES devices ON DELETE CASCADE
);

CREATE TABLE kyber_last_resort_prekeys (
  account_id bytea NOT NULL,
  device_id integer NOT NULL,
  key_id integer NOT NULL,
  public_key bytea NOT NULL,
  signature bytea NOT NULL,
  PRIMARY KEY (account_id, device_id),
  FOREIGN KEY (account_id, device_id) REFERENCES devices ON DELETE CASCADE
);

CREATE TABLE one_time_prekeys (
  account_id bytea NOT NULL,
  device_id integer NOT NULL,
  key_id integer NOT NULL,
  public_key bytea NOT NULL,
  PRIMARY KEY (account_id, device_id, key_id),
  FOREIGN KEY (account_id, device_id) REFERENCES devices ON DELETE CASCADE
);

CREATE TABLE one_time_kyber_prekeys (
  account_id bytea NOT NULL,
  device_id integer NOT NULL,
  key_id integer NOT NULL,
  public_key bytea NOT NULL,
  signature bytea NOT NULL,
  PRIMARY KEY (account_id, device_id, key_id),
  FOREIGN KEY (account_id, device_id) REFERENCES devices ON DELETE CASCADE
);

CREATE TABLE envelopes (
  account_id bytea NOT NULL,
  device_id integer NOT NULL,
  seq bigint NOT NULL,
  id bytea NOT NULL,
  content bytea NOT NULL,
  server_ts bigint NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (account_id, device_id, seq),
  UNIQUE (account_id, device_id, id),
  FOREIGN KEY (account_id, device_id) REFERENCES devices ON DELETE CASCADE
);
CREATE INDEX envelopes_by_expiry ON envelopes (expires_at);

-- Acked envelopes stay on disk as dead tuples until VACUUM reclaims them
-- (docs/scaling.md): vacuum this table after a fixed number of deletes
-- rather than a fraction of its size, and without cost throttling.
ALTER TABLE envelopes SET (
  autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 1000,
  autovacuum_vacuum_insert_scale_factor = 0,
  autovacuum_vacuum_insert_threshold = 10000,
  autovacuum_vacuum_cost_delay = 0
);
`;
