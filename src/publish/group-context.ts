// The context objects publishing passes around instead of positional parameters: what publish() hands a mode,
// what every group of a pull-request run shares, and one group in one attempt.

import type { RemoteAccess } from '../git/remote.js';
import type { GitRepo } from '../git/repo.js';
import type { PullsContext, PullTarget } from '../github/pulls.js';
import type { GroupResult, GroupStatus, PublishGroup, PublishOptions } from './types.js';

/** What publish() hands a mode: options, the opened repository, the remote, and the secrets to redact. */
export interface PublishContext {
  opts: PublishOptions;
  repo: GitRepo;
  access: RemoteAccess;
  secrets: Array<string | undefined>;
}

/** What every group of one pull-request run shares: the PR API and the base as last listed. */
export interface RunContext extends PublishContext {
  pulls: PullsContext;
  base: string;
  remote: { branches: Map<string, string> };
  baseTip: string;
  baseTree: string;
  /** With `openLimit`: the limit and the imagestreams PRs open now (counted once, kept up to date). */
  open?: { max: number; count: number };
}

/** One group being published in one attempt. */
export interface GroupAttempt {
  run: RunContext;
  g: PublishGroup;
  target: PullTarget;
  branchTip: string | null;
  attempt: number;
}

/** The result of a group's attempt with `status`. */
export function attemptResult(a: GroupAttempt, status: GroupStatus): GroupResult {
  return { key: a.g.key, branch: a.g.branch, status, attempts: a.attempt };
}
