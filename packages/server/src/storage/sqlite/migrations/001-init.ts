/**
 * Initial schema. Account ids are raw 16-byte blobs. Envelopes use
 * AUTOINCREMENT so a sequence number is never reused after a delete: a
 * connection's delivery cursor relies on it.
 */
export const up = `
CREATE TABLE accounts (
  id BLOB PRIMARY KEY,
  identity_key BLOB,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE devices (
  account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  device_id INTEGER NOT NULL,
  credential_hash BLOB NOT NULL,
  registration_id INTEGER NOT NULL,
  PRIMARY KEY (account_id, device_id)
) WITHOUT ROWID;

CREATE TABLE signed_prekeys (
  account_id BLOB NOT NULL,
  device_id INTEGER NOT NULL,
  key_id INTEGER NOT NULL,
  public_key BLOB NOT NULL,
  signature BLOB NOT NULL,
  PRIMARY KEY (account_id, device_id),
  FOREIGN KEY (account_id, device_id) REFERENCES devices(account_id, device_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE kyber_last_resort_prekeys (
  account_id BLOB NOT NULL,
  device_id INTEGER NOT NULL,
  key_id INTEGER NOT NULL,
  public_key BLOB NOT NULL,
  signature BLOB NOT NULL,
  PRIMARY KEY (account_id, device_id),
  FOREIGN KEY (account_id, device_id) REFERENCES devices(account_id, device_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE one_time_prekeys (
  account_id BLOB NOT NULL,
  device_id INTEGER NOT NULL,
  key_id INTEGER NOT NULL,
  public_key BLOB NOT NULL,
  PRIMARY KEY (account_id, device_id, key_id),
  FOREIGN KEY (account_id, device_id) REFERENCES devices(account_id, device_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE one_time_kyber_prekeys (
  account_id BLOB NOT NULL,
  device_id INTEGER NOT NULL,
  key_id INTEGER NOT NULL,
  public_key BLOB NOT NULL,
  signature BLOB NOT NULL,
  PRIMARY KEY (account_id, device_id, key_id),
  FOREIGN KEY (account_id, device_id) REFERENCES devices(account_id, device_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE envelopes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id BLOB NOT NULL,
  device_id INTEGER NOT NULL,
  id BLOB NOT NULL,
  content BLOB NOT NULL,
  server_ts INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  FOREIGN KEY (account_id, device_id) REFERENCES devices(account_id, device_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX envelopes_by_device_id ON envelopes (account_id, device_id, id);
CREATE INDEX envelopes_by_device_seq ON envelopes (account_id, device_id, seq);
CREATE INDEX envelopes_by_expiry ON envelopes (expires_at);
`;
