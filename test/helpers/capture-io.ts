// A CommandIO that records what a command prints, with a fixed clock (for golden output).

import type { CommandIO } from '../../src/entry/io.js';
import { silentLogger } from '../../src/util/logger.js';

/** A captured IO and the text written to each stream. */
export function captureIO(
  cwd: string,
  opts: { env?: Record<string, string>; now?: string } = {},
): CommandIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    env: opts.env ?? {},
    cwd,
    now: () => new Date(opts.now ?? '2026-03-01T12:00:00Z'),
    isTTY: false,
    logger: silentLogger,
    out: () => out,
    err: () => err,
  };
}
