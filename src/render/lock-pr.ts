// The commit the lock-PR mode adds to a pull request's branch: its message (the run's commit message, the removed
// streams' locks, and a trailer naming the head it was built on) and the check that recognises it, which is what
// keeps a run on that commit from committing again. Pure.

import type { ConsumerChange, StreamChange } from '../plan/changes.js';
import { renderCommitMessage } from './commit-message.js';

/** The trailer that marks a commit as imagestreams' lock commit on a pull request branch. */
export const LOCK_PR_TRAILER = 'Imagestreams-Lock-PR';

/** The message of the lock commit built on `head` for the streams the pull request changed or removed. */
export function renderLockPrMessage(o: {
  changes: StreamChange[];
  consumers: ConsumerChange[];
  removed: string[];
  head: string;
}): string {
  const lines: string[] = [];
  if (o.changes.length > 0 || o.consumers.length > 0) {
    lines.push(renderCommitMessage(o.changes, o.consumers).trimEnd());
  } else {
    lines.push(`Remove the lock of ${o.removed.length === 1 ? o.removed[0] : `${o.removed.length} streams`}`);
  }
  if (o.removed.length > 0) {
    lines.push('', 'Locks removed with their declarations:', ...o.removed.map((id) => `- ${id}`));
  }
  lines.push('', `${LOCK_PR_TRAILER}: ${o.head}`);
  return `${lines.join('\n')}\n`;
}

/** The head a lock commit was built on, from its trailer; undefined for a commit this mode did not make. */
export function lockPrBase(message: string): string | undefined {
  const paragraphs = message.trimEnd().split(/\n\s*\n/);
  const last = paragraphs[paragraphs.length - 1] ?? '';
  const line = last.split('\n').find((l) => l.startsWith(`${LOCK_PR_TRAILER}: `));
  return line?.slice(LOCK_PR_TRAILER.length + 2).trim();
}

/** True when a commit message ends with the lock-PR trailer (a commit this mode made). */
export function isLockPrCommit(message: string): boolean {
  return lockPrBase(message) !== undefined;
}
