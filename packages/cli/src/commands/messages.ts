/** `tacet send`, `tacet receive`, `tacet timer`: the scriptable side of messaging. */
import { resolve } from 'node:path';
import type { ClientEvent, MessageRecord, TacetClient } from '@tacet/client';
import { compareHistory, formatDuration, parseDuration } from '@tacet/client';
import type { Command } from 'commander';
import { formatSize } from '../attachments/format-size.js';
import { progressBar } from '../attachments/progress-bar.js';
import { saveReceived } from '../attachments/save-received.js';
import { CliError } from '../cli-error.js';
import { groupNameOf, meansGroup } from '../conversation.js';
import { type GlobalOptions, withClient } from '../session.js';

/** After the first message, stop once nothing new arrived for this long. */
const QUIET_MS = 500;

async function senderName(c: TacetClient, id: string): Promise<string> {
  return (await c.contacts.byId(id))?.name ?? id;
}

/** Where `receive --save` puts files, and the profile directory for its private temporary files. */
interface SaveTo {
  dir: string;
  profile: string;
}

/** Saves an attachment and prints its line: JSON {from, file, name, size, sha256} or a sentence. */
async function printSaved(c: TacetClient, m: MessageRecord, json: boolean, to: SaveTo): Promise<void> {
  const a = m.attachment;
  if (!a) return;
  await c.markDisplayed([m.id]);
  const from = await senderName(c, m.from ?? m.conversationId);
  const group = await groupNameOf(c, m.conversationId);
  const bar = json ? undefined : progressBar(`receiving ${a.fileName}`);
  const saved = await saveReceived(c, m, to.dir, to.profile, (d, t) => bar?.update(d, t));
  bar?.done();
  if (json) {
    const line = {
      ...(group === undefined ? {} : { group }),
      from,
      file: saved.file,
      name: a.fileName,
      size: a.size,
      sha256: saved.sha256,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } else {
    const caption = m.body ? `: ${m.body}` : '';
    const where = group === undefined ? '' : ` in ${group}`;
    process.stdout.write(
      `${from}${where} sent ${a.fileName} (${formatSize(a.size)})${caption} -> ${saved.file}\n`,
    );
  }
}

/** Prints one item; its countdown starts now (the recipient's "displayed"). */
async function printItem(c: TacetClient, m: MessageRecord, json: boolean, save?: SaveTo): Promise<void> {
  if (m.kind === 'attachment' && save) return printSaved(c, m, json, save);
  const [shown] = await c.markDisplayed([m.id]);
  await c.markRead([m.id]); // a read receipt, only if turned on
  const expiresAt = shown?.expiresAt ?? m.expiresAt;
  const secondsLeft = expiresAt === null ? null : Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
  const from = await senderName(c, m.from ?? m.conversationId);
  const group = await groupNameOf(c, m.conversationId);
  if (json) {
    const line = {
      ...(group === undefined ? {} : { group }),
      from,
      fromId: m.from ?? m.conversationId,
      kind: m.kind,
      body: m.body,
      sentAt: new Date(m.sentAt).toISOString(),
      secondsLeft,
      ...(m.attachment ? { name: m.attachment.fileName, size: m.attachment.size } : {}),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } else if (m.kind === 'timer') {
    process.stdout.write(`${from} set the disappearing timer to ${formatDuration(m.timerSeconds)}\n`);
  } else {
    const left = secondsLeft === null ? '' : ` (disappears in ${secondsLeft}s)`;
    const file = m.attachment ? `[file ${m.attachment.fileName}, ${formatSize(m.attachment.size)}] ` : '';
    const where = group === undefined ? '' : `[${group}] `;
    process.stdout.write(`${where}${from}: ${file}${m.body}${left}\n`);
  }
}

/** A contact's device list changed: on stderr, and with --json a `devicesChanged` line. */
function reportDevices(e: ClientEvent, json: boolean): void {
  if (e.type !== 'devices-changed') return;
  const name = e.contact.name;
  const paused = e.paused === true;
  process.stderr.write(
    `${name}'s devices changed (now ${e.devices.length}: ${e.devices.join(', ')})` +
      (paused
        ? `; you verified ${name}, so sending waits: check with them, then run tacet accept ${name}\n`
        : '\n'),
  );
  if (json) {
    const line = {
      event: 'devicesChanged',
      from: name,
      fromId: e.contact.accountId,
      devices: e.devices,
      version: e.version,
      paused,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

/** Warnings about keys, on stderr, and with --json also as lines of their own (with an `event` field). */
function reportTrust(e: ClientEvent, json: boolean): void {
  reportDevices(e, json);
  if (e.type === 'identity-changed') {
    process.stderr.write(
      `WARNING: ${e.contact.name}'s safety number has changed; compare it with tacet safety-number ${e.contact.name}\n`,
    );
    if (json)
      process.stdout.write(
        `${JSON.stringify({ event: 'identityChanged', from: e.contact.name, fromId: e.contact.accountId })}\n`,
      );
  }
  if (e.type === 'identity-claim') {
    const how = e.claim.confirmed
      ? `the server lists this key; if you expected it: tacet accept ${e.name}`
      : 'the server does NOT list this key for them: it cannot be accepted';
    process.stderr.write(
      `WARNING: a new key claims to be ${e.name}: its message is held apart, not shown (${e.claim.held} held); ${how}\n`,
    );
    if (json) {
      const line = {
        event: 'heldApart',
        claim: `a new key claims to be ${e.name}`,
        from: e.name,
        fromId: e.claim.accountId,
        held: e.claim.held,
        confirmed: e.claim.confirmed,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  }
}

/** Group changes and refused group traffic, on stderr (with --json also as lines with an `event` field). */
function reportGroup(e: ClientEvent, json: boolean): void {
  if (e.type === 'group-warning') {
    process.stderr.write(`WARNING: ${e.detail}\n`);
    if (json) {
      const line = {
        event: 'groupWarning',
        group: e.name,
        reason: e.reason,
        detail: e.detail,
        signer: e.signer,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  }
  if (e.type === 'group-changed') {
    const by = e.byName;
    process.stderr.write(`${e.group.name}: ${e.change} by ${by} (now ${e.group.members.length} members)\n`);
    if (json) {
      const line = {
        event: 'groupChanged',
        group: e.group.name,
        change: e.change,
        by,
        member: e.group.member,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  }
}

/** Collects incoming items until the queue is drained (and, with `wait`, the first one arrived). */
async function collect(c: TacetClient, waitSeconds: number, json: boolean): Promise<MessageRecord[]> {
  const got: MessageRecord[] = [];
  let last = Date.now();
  let onNew: () => void = () => undefined;
  c.on((e: ClientEvent) => {
    reportTrust(e, json);
    reportGroup(e, json);
    if (e.type === 'message' && e.message.direction === 'in') {
      got.push(e.message);
      last = Date.now();
      onNew();
    }
  });
  await c.connect();
  await c.waitForDrain();
  if (got.length === 0 && waitSeconds > 0) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, waitSeconds * 1000);
      onNew = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
  if (got.length > 0) {
    while (Date.now() - last < QUIET_MS)
      await new Promise((r) => setTimeout(r, QUIET_MS - (Date.now() - last)));
  }
  return got;
}

export function registerMessageCommands(program: Command, g: () => GlobalOptions): void {
  program
    .command('send')
    .description('send a message; exits 0 once the server has stored it')
    .argument('<name>', 'contact or group name (or id)')
    .argument('<text...>', 'the message')
    .action(async (name: string, words: string[]) => {
      await withClient(g(), async (c) => {
        await c.connect().catch(() => undefined); // send() reports an unreachable server clearly
        const text = words.join(' ');
        const m = (await meansGroup(c, name)) ? await c.groups.send(name, text) : await c.send(name, text);
        const left = m.expiresAt === null ? '' : `, disappears in ${formatDuration(m.timerSeconds)}`;
        process.stderr.write(`sent to ${name}${left}\n`);
      });
    });

  program
    .command('receive')
    .description('take every message waiting on the server, print it, exit')
    .option('--wait <seconds>', 'if nothing is waiting, wait this long for the first message', '0')
    .option('--json', 'one JSON object per line')
    .option('--save <dir>', 'save received files into this folder (checked before they appear there)')
    .action(async (o: { wait: string; json?: boolean; save?: string }) => {
      const wait = Number(o.wait);
      if (!Number.isFinite(wait) || wait < 0) throw new CliError('--wait takes a number of seconds', 2);
      await withClient(g(), async (c, profile) => {
        const save = o.save === undefined ? undefined : { dir: resolve(o.save), profile };
        const got = await collect(c, wait, o.json === true);
        // The senders' authenticated order, not the server's delivery order: a held-back message lands in its place.
        got.sort((a, b) => compareHistory(a, b, c.accountId));
        for (const m of got) await printItem(c, m, o.json === true, save);
      });
    });

  program
    .command('timer')
    .description('set the disappearing-message timer of a conversation (30s, 5m, 1d, 4w or off)')
    .argument('<name>', 'contact or group name')
    .argument('<duration>')
    .action(async (name: string, duration: string) => {
      const seconds = parseDuration(duration);
      await withClient(g(), async (c) => {
        await c.connect().catch(() => undefined);
        if (await meansGroup(c, name)) await c.groups.setTimer(name, seconds);
        else await c.setTimer(name, seconds);
        process.stdout.write(`disappearing timer with ${name} set to ${formatDuration(seconds)}\n`);
      });
    });
}
