// The one logger interface; the core receives it, entry points decide where it writes.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /**
   * False when lines of `level` are dropped, so a caller can skip building their fields (a debug line per
   * registry request); a logger without it is taken to write every level.
   */
  enabled?(level: LogLevel): boolean;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger that writes nothing (tests, --json runs). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  enabled: () => false,
};

/** Plain text lines (`level: message key=value`) or JSON lines, at or above `level`. */
export function createLogger(
  write: (line: string) => void,
  opts: { level?: LogLevel; json?: boolean; redact?: (s: string) => string } = {},
): Logger {
  const min = ORDER[opts.level ?? 'info'];
  const redact = opts.redact ?? ((s: string) => s);
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    if (opts.json) {
      write(redact(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })) + '\n');
    } else {
      const extra = fields
        ? Object.entries(fields)
            // A value with a line break or other control character is quoted: one event stays one line.
            .map(([k, v]) => ` ${k}=${typeof v === 'string' && !CONTROL.test(v) ? v : JSON.stringify(v)}`)
            .join('')
        : '';
      write(redact(`${level === 'info' ? '' : `${level}: `}${msg}${extra}`) + '\n');
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    enabled: (level) => ORDER[level] >= min,
  };
}
