/**
 * Keys of server-issued sender certificates (issue 9, item 1): one trust
 * root, and the server-certificate keys it signed, newest highest.
 */
export const up = `
CREATE TABLE trust_root (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  public_key BLOB NOT NULL,
  private_key BLOB NOT NULL
);

CREATE TABLE server_certificate_keys (
  key_id INTEGER PRIMARY KEY,
  private_key BLOB NOT NULL,
  certificate BLOB NOT NULL
);
`;
