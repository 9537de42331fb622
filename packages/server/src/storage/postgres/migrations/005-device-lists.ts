/** The latest signed device list of each account (issue 13, docs/device-list.md); versions are uint32. */
export const up = `
CREATE TABLE device_lists (
  account_id bytea PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  version bigint NOT NULL,
  list bytea NOT NULL
);
`;
