/**
 * Confirming a link's comparison code: the person types the code the OTHER
 * device shows (so a glance is not enough to say "yes" to a relay's code),
 * or a script passes it with --confirm. Works on a terminal and on a pipe.
 */
import { createInterface } from 'node:readline/promises';
import { CliError } from './cli-error.js';

const digits = (s: string) => s.replace(/\D/g, '');

/**
 * Shows `mine` and resolves when the person (or `given`) enters the same
 * code; throws a CliError explaining the refusal otherwise.
 */
export async function confirmComparison(mine: string, other: string, given?: string): Promise<void> {
  process.stderr.write(`Comparison code: ${mine}\n`);
  let answer = given;
  if (answer === undefined) {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
    process.stderr.write(`Type the comparison code shown on the ${other} to confirm it is the same: `);
    answer = await rl.question('').catch(() => '');
    rl.close();
  }
  if (digits(answer) !== digits(mine) || digits(mine).length === 0) {
    throw new CliError(
      `the comparison codes differ (${mine} here): nothing was linked. Someone may be relaying the link; ` +
        'start again with a fresh code (tacet link on the new device)',
      2,
    );
  }
}
