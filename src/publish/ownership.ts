// Whose commit is on a group's branch: imagestreams never overwrites a branch someone else pushed to.

import type { ReadCommitResult } from 'isomorphic-git';
import { isAncestor } from '../github/git-data.js';
import { hasGroupTrailer } from '../render/commit-message.js';
import type { GroupAttempt } from './group-context.js';

/** Describes the branch commit `c` when it is not this bot's commit for the group, else null. */
export async function foreignCommit(a: GroupAttempt, c: ReadCommitResult): Promise<string | null> {
  const ours = a.run.opts.signCommits ? await signedCommitIsOurs(a, c) : authoredByUs(a, c);
  return ours ? null : `${c.commit.committer.name} <${c.commit.committer.email}>, ${c.oid.slice(0, 12)}`;
}

/** An unsigned group's branch commit is ours: our author and committer, one parent, the group's trailer. */
function authoredByUs(a: GroupAttempt, c: ReadCommitResult): boolean {
  const { opts } = a.run;
  const committer = opts.committer ?? opts.author;
  return (
    c.commit.author.email === opts.author.email &&
    c.commit.committer.email === committer.email &&
    c.commit.parent.length === 1 &&
    hasGroupTrailer(c.commit.message, a.g.key)
  );
}

/**
 * Signed groups: GitHub authors the branch commit as the token's identity, so the author cannot tell ours from a
 * human's. A commit is ours when it carries the group's trailer and its only parent is on the base branch; a
 * commit someone stacked on ours has our commit as parent and is left alone. The trade-off: a rewrite of our
 * commit that keeps the trailer (an amend) is taken for ours and may be replaced by the next run.
 */
async function signedCommitIsOurs(a: GroupAttempt, c: ReadCommitResult): Promise<boolean> {
  const { run, g } = a;
  if (c.commit.parent.length !== 1 || !hasGroupTrailer(c.commit.message, g.key)) return false;
  const gh = run.opts.github!;
  return isAncestor(gh.octokit, { owner: gh.owner, repo: gh.repo }, c.commit.parent[0]!, run.baseTip);
}
