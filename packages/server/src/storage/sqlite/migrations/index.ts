/** Numbered migrations, applied in order, each once, each in its own transaction. */
import { up as init } from './001-init.js';

export interface Migration {
  version: number;
  name: string;
  up: string;
}

export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'init', up: init }];
