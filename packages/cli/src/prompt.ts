/**
 * Reading a passphrase: TACET_PASSPHRASE for scripts, else a prompt on the
 * terminal that does not echo what is typed.
 */
import { createInterface } from 'node:readline';
import { CliError } from './cli-error.js';

/** Prompts without echo; rejects when there is no terminal to ask on. */
export function askHidden(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    return Promise.reject(new CliError('no passphrase: set TACET_PASSPHRASE or run tacet in a terminal', 2));
  }
  return new Promise((resolve) => {
    const rl = createInterface({ input, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
    process.stderr.write(question);
    out._writeToOutput = () => undefined;
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/** The profile passphrase; `confirm` asks twice (new profiles). */
export async function passphrase(confirm: boolean): Promise<string> {
  const env = process.env.TACET_PASSPHRASE;
  if (env !== undefined && env !== '') return env;
  const first = await askHidden('Passphrase: ');
  if (first.length === 0) throw new CliError('the passphrase must not be empty', 2);
  if (confirm && (await askHidden('Passphrase again: ')) !== first) {
    throw new CliError('the two passphrases differ; nothing was created', 2);
  }
  return first;
}
