/**
 * Reading a passphrase: TACET_PASSPHRASE for scripts, else a prompt on the
 * terminal. The prompt stays on screen (readline's line refresh used to erase
 * it); what is typed is not echoed. The terminal is read in raw mode directly,
 * byte by byte, so nothing else redraws the line.
 */
import { StringDecoder } from 'node:string_decoder';
import { CliError } from './cli-error.js';

const ENTER = new Set(['\r', '\n']);
const ERASE = new Set(['\x7f', '\b']);
/** Ctrl-C and Ctrl-D give up. */
const CANCEL = new Set(['\x03', '\x04']);

/** Prompts without echo; rejects when there is no terminal to ask on. */
export function askHidden(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    return Promise.reject(new CliError('no passphrase: set TACET_PASSPHRASE or run tacet in a terminal', 2));
  }
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    let answer: string[] = [];
    const finish = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\r\n');
    };
    const onData = (chunk: Buffer) => {
      for (const ch of decoder.write(chunk)) {
        if (ENTER.has(ch)) {
          finish();
          return resolve(answer.join(''));
        }
        if (CANCEL.has(ch)) {
          finish();
          return reject(new CliError('cancelled; nothing was changed', 130));
        }
        if (ERASE.has(ch)) answer = answer.slice(0, -1);
        else if (ch >= ' ') answer.push(ch);
      }
    };
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
  });
}

/** The profile passphrase; `confirm` asks twice (new profiles). */
export async function passphrase(confirm: boolean): Promise<string> {
  const env = process.env.TACET_PASSPHRASE;
  if (env !== undefined && env !== '') return env;
  const first = await askHidden(confirm ? 'Choose a passphrase for this profile: ' : 'Passphrase: ');
  if (first.length === 0) throw new CliError('the passphrase must not be empty', 2);
  if (confirm && (await askHidden('Type it again: ')) !== first) {
    throw new CliError('the two passphrases differ; nothing was created', 2);
  }
  return first;
}
