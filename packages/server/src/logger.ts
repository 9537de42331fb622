/**
 * Structured JSON logs, one object per line. By policy (docs/design.md,
 * "Metadata") no account id, IP address or message content is ever passed to
 * the logger: callers log events and counts only.
 */

/** Severity, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A field bag; keep it free of identifiers and content. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/** Where log lines go; each call receives one complete JSON line without newline. */
export type LogSink = (line: string) => void;

/** @example logger.info('listening', { port: 8080 }) */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** Builds a logger writing JSON lines at or above `level` to `sink` (stderr by default). */
export function createLogger(
  level: LogLevel = 'info',
  sink: LogSink = (l) => process.stderr.write(`${l}\n`),
): Logger {
  const emit = (at: LogLevel, msg: string, fields?: LogFields) => {
    if (ORDER[at] < ORDER[level]) return;
    sink(JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...fields }));
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

/** Describes an unexpected error for the log without its message text, which could hold input. */
export function errorFields(err: unknown): LogFields {
  if (err instanceof Error)
    return { errorName: err.name, stack: err.stack?.split('\n').slice(1, 6).join(' | ') };
  return { errorName: typeof err };
}
