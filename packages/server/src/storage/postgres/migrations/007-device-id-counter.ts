/**
 * The highest device id an account ever had (issue 13 item 4): a new device takes the next one, never
 * the id of a removed device, so a contact's session, a queued envelope or a trust mark naming the old
 * device can never be mistaken for the new one.
 */
export const up = `
ALTER TABLE accounts ADD COLUMN last_device_id integer NOT NULL DEFAULT 1;
UPDATE accounts SET last_device_id = COALESCE((SELECT MAX(device_id) FROM devices WHERE devices.account_id = accounts.id), 1);
`;
