// Progress on a terminal for long runs (due / resolved / failed), redrawn in place; silent elsewhere.

import type { ReconcileProgress } from '../reconcile.js';
import type { CommandIO } from './io.js';

/** A progress callback for reconcile: draws on a TTY at most ~10 times a second, clears the line when done. */
export function progressReporter(
  io: CommandIO,
  minIntervalMs = 100,
): ((p: ReconcileProgress) => void) | undefined {
  if (!io.isTTY || io.env.CI === 'true') return undefined;
  let last = 0;
  return (p) => {
    const t = Date.now();
    const done = p.done === p.due;
    if (!done && t - last < minIntervalMs) return;
    last = t;
    const line = `importing: ${p.done}/${p.due} resolved, ${p.failed} failed`;
    io.stderr(done ? '\r\x1b[K' : `\r${line}\x1b[K`);
  };
}
