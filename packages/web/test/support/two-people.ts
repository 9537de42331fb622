/**
 * The setup most browser test files share: Chromium, a tacet server serving
 * the built client, and two people registered on it — optionally already
 * chatting (each added the other and opened the conversation). One browser
 * and one server per test file, started once before its tests.
 */
import { launchChromium } from '@tacet/testkit/chromium';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { ensureDist } from './build-dist.js';
import { type RunningTestServer, startTacetServer } from './tacet-server.js';
import { WebPerson } from './web-person.js';

/** What `twoPeopleInChromium` starts; its fields are set once the file's beforeAll has run. */
export interface TwoPeople {
  browser: Browser;
  server: RunningTestServer;
  alice: WebPerson;
  bob: WebPerson;
}

/**
 * Registers the file's beforeAll (start everything) and afterAll (close it).
 * With `chatting`, alice has bob as "bob" and bob has alice as "alice", each
 * with the other's conversation open.
 *
 * @example const web = twoPeopleInChromium({ chatting: true });
 *          it('…', async () => { const { alice, bob } = web; … });
 */
export function twoPeopleInChromium(options: { chatting?: boolean } = {}): TwoPeople {
  // Filled in by beforeAll, before any test reads it.
  const people = {} as TwoPeople;
  beforeAll(async () => {
    [people.browser, people.server] = await Promise.all([
      launchChromium(),
      ensureDist().then(startTacetServer),
    ]);
    [people.alice, people.bob] = await Promise.all([
      WebPerson.register(people.browser, people.server.url),
      WebPerson.register(people.browser, people.server.url),
    ]);
    if (!options.chatting) return;
    const { alice, bob } = people;
    await alice.addContact(bob.id, 'bob');
    await bob.addContact(alice.id, 'alice');
    await alice.openChat('bob');
    await bob.openChat('alice');
  });
  afterAll(async () => {
    await people.browser?.close();
    await people.server?.close();
  });
  return people;
}
