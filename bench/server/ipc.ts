/** Messages between the server benchmark's orchestrator and its child processes. */
import type { LoopStats } from './loop-stats.js';

export type ServerTarget = 'tacet' | 'relay';

export type LoadCommand =
  /** `recipientUrl` (default `url`): connect recipients to another node, so every message crosses nodes. */
  | { type: 'setup'; target: ServerTarget; url: string; pairs: number; recipientUrl?: string }
  | { type: 'throughput'; durationMs: number; window: number }
  | { type: 'rate'; durationMs: number; perSecond: number }
  | { type: 'prepare-idle'; target: ServerTarget; url: string; connections: number }
  | { type: 'idle'; target: ServerTarget; url: string; connections: number }
  | { type: 'close-idle' }
  | { type: 'close' };

export type LoadReply =
  | { type: 'ready' }
  | { type: 'throughput'; received: number; elapsedMs: number }
  | { type: 'rate'; sent: number; received: number; latenciesMs: number[] }
  | { type: 'idle'; open: number }
  | { type: 'error'; message: string };

export type NodeCommand =
  | { type: 'rss' }
  | { type: 'close' }
  | { type: 'profile-start' }
  | { type: 'profile-stop' }
  /** Starts a phase of the event-loop and GC figures (loop-stats.ts); `loop-stats` reports it. */
  | { type: 'loop-reset' }
  | { type: 'loop-stats' };
export type NodeReply =
  | { type: 'listening'; url: string }
  /** From postgres-db.ts: the scratch database is ready. */
  | { type: 'database'; url: string }
  | { type: 'rss'; rss: number; heapUsed: number; cpuMicros: number }
  | ({ type: 'loop-stats' } & LoopStats);

/** Answers the loop-stats commands; true if `cmd` was one. */
export function answerLoop(cmd: NodeCommand, loop: { reset(): void; read(): LoopStats }): boolean {
  if (cmd.type === 'loop-reset') loop.reset();
  else if (cmd.type === 'loop-stats') reply({ type: 'loop-stats', ...loop.read() });
  else return false;
  return true;
}

/** Sends one message to the parent and never throws when the channel is gone. */
export function reply(message: LoadReply | NodeReply): void {
  process.send?.(message);
}

/** Runs the GC if exposed, then reports memory. */
export function memory(): { rss: number; heapUsed: number; cpuMicros: number } {
  const cpu = process.cpuUsage();
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, cpuMicros: cpu.user + cpu.system };
}
