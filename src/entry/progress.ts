// Progress of long runs (due / resolved / failed). On a terminal: one line redrawn in place, at most ~10 times a
// second. Elsewhere (CI logs, Actions, a pipe): a plain line at most every few seconds, so a long run shows it is
// alive without flooding the log; a run shorter than the interval prints nothing.

import type { ReconcileProgress } from '../app/imports.js';
import type { CommandIO } from './io.js';

/** How often each kind of output may write. */
export interface ProgressIntervals {
  /** Redraws on a terminal (ms). */
  tty?: number;
  /** Plain lines outside a terminal (ms). */
  lines?: number;
}

/** A progress callback for reconcile/import: redrawn on a TTY, plain lines every few seconds elsewhere. */
export function progressReporter(
  io: CommandIO,
  intervals: ProgressIntervals = {},
): (p: ReconcileProgress) => void {
  const text = (p: ReconcileProgress) => `importing: ${p.done}/${p.due} resolved, ${p.failed} failed`;
  if (io.isTTY && io.env.CI !== 'true') {
    const every = intervals.tty ?? 100;
    let last = Number.NEGATIVE_INFINITY;
    return (p) => {
      const t = io.now().getTime();
      const done = p.done === p.due;
      if (!done && t - last < every) return;
      last = t;
      io.stderr(done ? '\r\x1b[K' : `\r${text(p)}\x1b[K`);
    };
  }
  const every = intervals.lines ?? 5000;
  let start: number | undefined;
  let last = 0;
  let printed = false;
  return (p) => {
    const t = io.now().getTime();
    if (start === undefined) {
      start = t;
      last = t;
    }
    const done = p.done === p.due;
    // The last count is printed only when earlier ones were: a short run stays quiet.
    if (done ? !printed : t - last < every) return;
    last = t;
    printed = true;
    io.stderr(`${text(p)}\n`);
  };
}
