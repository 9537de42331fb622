/**
 * A one-line progress bar on stderr for uploads and downloads: redrawn in
 * place on a terminal (at most ten times a second), and on anything else
 * one line at each quarter, so logs stay short.
 */
import { formatSize } from './format-size.js';

const WIDTH = 24;

export function progressBar(label: string, out: NodeJS.WriteStream = process.stderr) {
  let lastDraw = 0;
  let lastQuarter = -1;
  return {
    update(done: number, total: number): void {
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      if (out.isTTY) {
        const now = Date.now();
        if (now - lastDraw < 100 && frac < 1) return;
        lastDraw = now;
        const filled = Math.round(frac * WIDTH);
        const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
        out.write(
          `\r${label} ${bar} ${Math.floor(frac * 100)}% ${formatSize(done)}/${formatSize(total)}\x1b[K`,
        );
      } else {
        const quarter = Math.floor(frac * 4);
        if (quarter === lastQuarter) return;
        lastQuarter = quarter;
        out.write(`${label} ${quarter * 25}%\n`);
      }
    },
    done(): void {
      if (out.isTTY) out.write('\n');
    },
  };
}
