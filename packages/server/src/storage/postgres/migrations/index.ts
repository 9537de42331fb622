/** Numbered PostgreSQL migrations, applied in order, each once, each in its own transaction. */
import { up as init } from './001-init.js';
import { up as noTrafficCounter } from './002-no-traffic-counter.js';
import { up as senderCertificates } from './003-sender-certificates.js';
import { up as attachments } from './004-attachments.js';
import { up as deviceLists } from './005-device-lists.js';
import { up as provisioning } from './006-provisioning.js';
import { up as deviceIdCounter } from './007-device-id-counter.js';

export interface PgMigration {
  version: number;
  name: string;
  up: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  { version: 1, name: 'init', up: init },
  { version: 2, name: 'no-traffic-counter', up: noTrafficCounter },
  { version: 3, name: 'sender-certificates', up: senderCertificates },
  { version: 4, name: 'attachments', up: attachments },
  { version: 5, name: 'device-lists', up: deviceLists },
  { version: 6, name: 'provisioning', up: provisioning },
  { version: 7, name: 'device-id-counter', up: deviceIdCounter },
];
