/**
 * Keys of server-issued sender certificates (issue 9, item 1): one trust
 * root, and the server-certificate keys it signed, newest highest. Key ids
 * are uint32 on the wire, hence bigint.
 */
export const up = `
CREATE TABLE trust_root (
  id integer PRIMARY KEY CHECK (id = 1),
  public_key bytea NOT NULL,
  private_key bytea NOT NULL
);

CREATE TABLE server_certificate_keys (
  key_id bigint PRIMARY KEY,
  private_key bytea NOT NULL,
  certificate bytea NOT NULL
);
`;
