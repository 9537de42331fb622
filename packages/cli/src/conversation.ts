/**
 * Which conversation a name on the command line means: a contact's (their
 * name or id) first, else a group's (its name or id). `tacet send`,
 * `tacet timer` and `tacet chat` take either.
 */
import type { TacetClient } from '@tacet/client';

/**
 * Whether `name` means a group (no contact is called that, and a group is).
 * A name neither knows yet may be a group whose invitation is still waiting
 * on the server: the connected client takes the queue first, then looks again.
 */
export async function meansGroup(c: TacetClient, name: string): Promise<boolean> {
  if (await c.contacts.find(name)) return false;
  if (await c.groups.has(name)) return true;
  await c.waitForDrain().catch(() => undefined);
  return (await c.contacts.find(name)) === undefined && (await c.groups.has(name));
}

/** The group name of a group conversation id, or undefined for a 1:1 conversation. */
export async function groupNameOf(c: TacetClient, conversationId: string): Promise<string | undefined> {
  if (!conversationId.startsWith('group:')) return undefined;
  return (
    (await c.groups.get(conversationId.slice('group:'.length)).catch(() => undefined))?.name ?? 'a group'
  );
}
