/**
 * Taking over the terminal for the full-screen chat, and giving it back
 * exactly as it was: main screen, cooked mode, visible cursor, default
 * colours. Leaving is idempotent and also runs on process exit, so a crash
 * or a signal does not leave the shell in raw mode on the alternate screen.
 */
import { emitKeypressEvents } from 'node:readline';

const ESC = '\x1b[';
/** Alternate screen on, cleared, cursor home. */
const ENTER = `${ESC}?1049h${ESC}2J${ESC}H`;
/** Attributes reset, cursor shown, alternate screen off. */
export const RESTORE = `${ESC}0m${ESC}?25h${ESC}?1049l`;

export type KeyHandler = (str: string | undefined, key: { name?: string; ctrl?: boolean }) => void;

export interface Terminal {
  /** Gives the terminal back; safe to call more than once. */
  leave(): void;
}

/** Switches to the alternate screen in raw mode and feeds key presses to `onKey`. */
export function takeTerminal(onKey: KeyHandler): Terminal {
  const input = process.stdin;
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    input.off('keypress', onKey);
    process.off('exit', leave);
    if (input.isTTY) input.setRawMode(false);
    input.pause();
    process.stdout.write(RESTORE);
  };
  process.stdout.write(ENTER);
  emitKeypressEvents(input);
  input.setRawMode(true);
  input.on('keypress', onKey);
  input.resume();
  process.on('exit', leave);
  return { leave };
}
