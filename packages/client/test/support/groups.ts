/** Real clients in one group on a real server: the opening of the group e2e tests. */
import type { ClientEvent, TacetClient } from '../../src/index.js';
import type { Harness } from './harness.js';

export interface Member {
  readonly name: string;
  readonly client: TacetClient;
  readonly dir: string;
  readonly events: ClientEvent[];
}

/**
 * Registers `names` (the first is the admin), connected; the admin has
 * every other one as a contact, and each of them has the admin (members
 * need not know each other). `urlOf(i)` picks each one's server.
 */
export async function registerMembers<const N extends readonly string[]>(
  h: Harness,
  names: N,
  urlOf: (i: number) => string | undefined = () => undefined,
): Promise<{ [K in keyof N]: Member }> {
  const out: Member[] = [];
  for (const [i, name] of names.entries()) out.push({ name, ...(await h.register(name, urlOf(i))) });
  const [admin, ...rest] = out as [Member, ...Member[]];
  for (const m of rest) {
    await admin.client.addContact(m.client.accountId, m.name);
    await m.client.addContact(admin.client.accountId, admin.name);
  }
  for (const m of out) await m.client.connect();
  return out as { [K in keyof N]: Member };
}

/** The texts of a group conversation as `m` sees it, each with its sender's account id. */
export async function groupTexts(m: Member, group: string): Promise<Array<{ from: string; body: string }>> {
  const list = await m.client.groups.messages(group);
  return list.map((x) => ({
    from: x.direction === 'out' ? m.client.accountId : (x.from ?? '?'),
    body: x.body,
  }));
}

/** Events of one type seen by `m` (narrowed). */
export function eventsOf<T extends ClientEvent['type']>(
  m: Member,
  type: T,
): Array<Extract<ClientEvent, { type: T }>> {
  return m.events.filter((e): e is Extract<ClientEvent, { type: T }> => e.type === type);
}

/** Waits until `m` holds group `name` at `version` or later. */
export async function reaches(m: Member, name: string, version: number): Promise<void> {
  const { until } = await import('./harness.js');
  await until(
    async () => (await m.client.groups.list()).some((g) => g.name === name && g.version >= version),
    20_000,
    `${m.name} reaches ${name} v${version}`,
  );
}

/** Reopens `m`'s profile after it was closed, still offline: what it does now builds on what it last saw. */
export async function reopenOffline(h: Harness, m: Member): Promise<Member> {
  const back = await h.reopen(m.dir, m.name);
  return { ...m, client: back.client, events: back.events };
}

/** Reopens `m`'s profile after it was closed and connects it again. */
export async function comeBack(h: Harness, m: Member): Promise<Member> {
  const back = await reopenOffline(h, m);
  await back.client.connect();
  return back;
}
