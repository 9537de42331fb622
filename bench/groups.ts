/**
 * `npm run bench:groups` (issue 11, item 8), the part that exists so far:
 * one message to groups of 10, 100 and 1,000 recipient devices as ONE
 * sealed sender v2 multi-recipient message around one sender-key message,
 * against the same recipients as separate sealed 1:1 messages (established
 * sessions, so Whisper messages, not PreKey ones, sealed as the client seals
 * them) in the same run. Both sides keep the static-static agreements of
 * sealed sender in a StaticSecrets cache, warm for every recipient (a running
 * client has talked to its group members before):
 *   - sender CPU (ms) and bytes uploaded;
 *   - server commit: the v2 upload split and committed with enqueueEach in
 *     one commit, against one enqueue per 1:1 message (issued together, so the
 *     SQLite group committer batches them as it would live traffic).
 * Each figure is the best of `--rounds` rounds (default 3): the machine is shared.
 * Not measured yet: time until every member's client has it (needs the SDK wiring).
 */
import { rerunWithSource } from './rerun-with-source.js';

if (!rerunWithSource(import.meta.url)) await main();

async function main(): Promise<void> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { randomBytes, randomUUID } = await import('node:crypto');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const P = await import('../packages/protocol/src/index.js');
  const { createTacetParty } = await import('../packages/protocol/test/support/tacet-party.js');
  const { makeServer, makeSenderCertificate } = await import(
    '../packages/protocol/test/support/sealed-sender-fixtures.js'
  );
  const { openSqliteStorage } = await import('../packages/server/src/storage/sqlite/index.js');
  const { splitMultiRecipient } = await import('../packages/server/src/delivery/multi-recipient-send.js');

  const sizes = [10, 100, 1000];
  const max = Math.max(...sizes);
  const now = Date.now();
  const day = 24 * 3600 * 1000;
  const server = makeServer();
  const alice = createTacetParty(randomUUID(), 1);
  const aliceCert = makeSenderCertificate(server, alice.identity.publicKey, {
    uuid: alice.address.name,
    expiration: now + day,
  });
  const local = { uuid: alice.address.name, e164: null, deviceId: 1 };
  console.log(`groups benchmark: ${sizes.join(', ')} recipient devices; node ${process.version}`);
  console.log(`setting up ${max} established sessions...`);
  const secrets = new P.StaticSecrets();
  const sending = { ...alice.stores, staticSecrets: secrets };
  const members: {
    party: ReturnType<typeof createTacetParty>;
    address: InstanceType<typeof P.ProtocolAddress>;
  }[] = [];
  for (let i = 0; i < max; i++) {
    const party = createTacetParty(randomUUID(), 1);
    const address = party.address;
    await P.processPreKeyBundle(await party.bundle(), address, alice.stores, now);
    // One round trip so the 1:1 baseline sends Whisper messages, as in a running conversation.
    const first = await P.sealedSenderEncryptMessage(Uint8Array.of(1), address, aliceCert, alice.stores, now);
    const me = { uuid: address.name, e164: null, deviceId: 1 };
    await P.sealedSenderDecryptMessage(first, server.trustRoot.publicKey, now, me, party.stores);
    const cert = makeSenderCertificate(server, party.identity.publicKey, {
      uuid: address.name,
      expiration: now + day,
    });
    const reply = await P.sealedSenderEncryptMessage(
      Uint8Array.of(2),
      alice.address,
      cert,
      party.stores,
      now,
    );
    await P.sealedSenderDecryptMessage(reply, server.trustRoot.publicKey, now, local, alice.stores);
    secrets.agree(alice.identity, party.identity.publicKey);
    members.push({ party, address });
  }

  const dir = mkdtempSync(join(tmpdir(), 'tacet-bench-groups-'));
  const storage = await openSqliteStorage(dir);
  const accountOf = (uuid: string) => P.distributionIdToBytes(uuid);
  await Promise.all(
    members.map((m) =>
      storage.accounts.createAccount({
        accountId: accountOf(m.address.name),
        credentialHash: new Uint8Array(16),
        registrationId: m.party.registrationId,
        createdAt: now,
      }),
    ),
  );

  const plaintext = new TextEncoder().encode('a group message of ordinary length, about a tweet or so.');
  const dist = randomUUID();
  const senderKeys = new P.InMemorySenderKeyStore();
  await P.SenderKeyDistributionMessage.create(alice.address, dist, senderKeys);
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const kib = (x: number) => `${(x / 1024).toFixed(1)} KiB`;
  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)}%`;

  const roundsAt = process.argv.indexOf('--rounds');
  const rounds = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 3;
  for (const n of sizes) {
    const group = members.slice(0, n);
    const best = { oneCpu: Infinity, groupCpu: Infinity, oneCommit: Infinity, groupCommit: Infinity };
    let oneBytes = 0;
    let groupBytes = 0;
    for (let round = 0; round < rounds; round++) {
      // 1:1 baseline: one sealed Whisper message per recipient device.
      let t = performance.now();
      const singles: Uint8Array[] = [];
      for (const m of group) {
        const ct = await P.signalEncrypt(plaintext, m.address, alice.stores, now);
        const one = P.UnidentifiedSenderMessageContent.create(ct, aliceCert, P.ContentHint.Default, null);
        singles.push(await P.sealedSenderEncrypt(one, m.address, alice.stores.identities, secrets));
      }
      const oneCpu = performance.now() - t;
      oneBytes = singles.reduce((s, b) => s + b.length, 0);
      // Group: one sender-key message, sealed once for all.
      t = performance.now();
      const message = await P.groupEncrypt(alice.address, dist, senderKeys, plaintext);
      const usmc = P.UnidentifiedSenderMessageContent.create(
        message,
        aliceCert,
        P.ContentHint.Resendable,
        null,
      );
      const sent = await P.sealedSenderMultiRecipientEncrypt(
        usmc,
        group.map((m) => m.address),
        sending,
      );
      const groupCpu = performance.now() - t;

      const expiresAt = now + day;
      t = performance.now();
      await Promise.all(
        group.map((m, i) =>
          storage.queue.enqueue(
            {
              id: randomBytes(16),
              serverTimestamp: now,
              expiresAt,
              copies: [
                { accountId: accountOf(m.address.name), deviceId: 1, content: singles[i] as Uint8Array },
              ],
            },
            100_000,
          ),
        ),
      );
      const oneCommit = performance.now() - t;
      t = performance.now();
      const { copies } = splitMultiRecipient(sent);
      const result = await storage.queue.enqueueEach(
        { id: randomBytes(16), serverTimestamp: now, expiresAt, copies },
        100_000,
      );
      const groupCommit = performance.now() - t;
      if (result.stored !== n || result.refused.length > 0)
        throw new Error('fan-out did not store every copy');
      groupBytes = sent.length;
      best.oneCpu = Math.min(best.oneCpu, oneCpu);
      best.groupCpu = Math.min(best.groupCpu, groupCpu);
      best.oneCommit = Math.min(best.oneCommit, oneCommit);
      best.groupCommit = Math.min(best.groupCommit, groupCommit);
    }
    const { oneCpu, groupCpu, oneCommit, groupCommit } = best;

    console.log(`\n${n} recipient devices`);
    console.log(
      `  sender CPU     1:1 ${ms(oneCpu)}  group ${ms(groupCpu)}  (${pct(groupCpu, oneCpu)}; goal <= 20% at 1000)`,
    );
    console.log(
      `  bytes uploaded 1:1 ${kib(oneBytes)} in ${n} sends  group ${kib(groupBytes)} in 1 upload  (${pct(groupBytes, oneBytes)})`,
    );
    console.log(
      `  server commit  1:1 ${ms(oneCommit)} for ${n} sends  group ${ms(groupCommit)} split + one commit (goal <= 100 ms at 1000)`,
    );
  }
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}
