/**
 * Errors as the user sees them: one line saying what happened and what to
 * do, and an exit code a script can branch on.
 */
import { ClientError } from '@tacet/client';

/** Exit codes: 1 failure, 2 usage or input, 3 blocked by an identity change, 4 server unreachable. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const CODES: Partial<Record<ClientError['code'], number>> = {
  WrongPassphrase: 2,
  NotRegistered: 2,
  AlreadyRegistered: 2,
  UnknownContact: 2,
  NoSuchAccount: 2,
  DuplicateContact: 2,
  InvalidName: 2,
  InvalidAccountId: 2,
  InvalidDuration: 2,
  InvalidContent: 2,
  UntrustedIdentity: 3,
  DevicesChanged: 3,
  ServerUnreachable: 4,
  Timeout: 4,
};

/** Prints `err` as one clear line on stderr and returns the exit code. */
export function report(err: unknown): number {
  if (err instanceof CliError) {
    process.stderr.write(`tacet: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof ClientError) {
    process.stderr.write(`tacet: ${err.message}\n`);
    return CODES[err.code] ?? 1;
  }
  const e = err as Error;
  process.stderr.write(`tacet: unexpected error: ${e?.message ?? String(err)}\n`);
  if (process.env.TACET_DEBUG) process.stderr.write(`${e?.stack}\n`);
  return 1;
}
