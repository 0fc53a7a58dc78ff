// The results of groups that publish nothing in a run, and why: the work tree is behind the base (stale), the
// group is outside its schedule window (waiting), or its new PR would pass the open-PR limit (held).

import { attemptResult as done, type GroupAttempt, type RunContext } from './group-context.js';
import type { GroupResult, PublishGroup } from './types.js';

/** The work tree is behind the base for the group's files: nothing is proposed. */
export function staleResult(run: RunContext, g: PublishGroup, stale: string[], attempt: number): GroupResult {
  const reason =
    `the base branch "${run.base}" moved since this checkout (${stale.join(', ')} differ), so the work tree may ` +
    'hold older images than the base; nothing was proposed for this group. Update the checkout (git pull) and ' +
    'run again; a scheduled run from a fresh checkout rebuilds it by itself.';
  run.opts.logger.warn(`${g.key}: ${reason}`);
  return { key: g.key, branch: g.branch, status: 'skipped', reason, attempts: attempt };
}

/** Outside its schedule window: nothing is pushed, opened, updated or closed. */
export function waitingResult(
  run: RunContext,
  g: PublishGroup,
  w: { opensAt: string; window: string },
  attempt: number,
): GroupResult {
  const reason = `outside its schedule window (${w.window}); opens at ${w.opensAt}, when a run will propose it`;
  run.opts.logger.info(`${g.key}: ${reason}`);
  return { key: g.key, branch: g.branch, status: 'waiting', reason, opensAt: w.opensAt, attempts: attempt };
}

/** A new PR past `publish.maxOpenPullRequests`: nothing is pushed; a later run opens it when there is room. */
export function heldResult(a: GroupAttempt, max: number): GroupResult {
  const reason =
    `${max} imagestreams pull request${max === 1 ? ' is' : 's are'} open (publish.maxOpenPullRequests); this ` +
    'one is opened by a later run once fewer are open (groups in order of their keys)';
  a.run.opts.logger.info(`${a.g.key}: held: ${reason}`);
  return { ...done(a, 'held'), reason };
}
