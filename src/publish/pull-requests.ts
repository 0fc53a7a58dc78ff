// Pull-request mode: one branch and one pull request per group. Each branch is one commit on the base's tip whose
// content is the group's (content.ts), force-pushed with a lease only when it differs (or, with `signCommits`,
// created through GitHub's Git Data API, see signed-branch.ts); its pull request is created, updated, left alone
// (nothing changed: no API write) or closed (nothing left to propose).

import { buildTree, commitTree, treeOf } from '../git/commit.js';
import { pushRef } from '../git/push.js';
import { ensureCommit, listRemoteBranches, writeRemoteHead } from '../git/remote.js';
import { autoMergeInSync } from '../github/auto-merge.js';
import { countOpenPulls } from '../github/open-pulls.js';
import {
  closePullRequest,
  commentOnPullRequest,
  findPullRequest,
  upsertPullRequest,
} from '../github/pulls.js';
import { ImagestreamsError } from '../model/errors.js';
import { renderCommitMessage, renderSubject } from '../render/commit-message.js';
import { renderPullRequestBody } from '../render/pr-body.js';
import { omitUndefined } from '../util/omit-undefined.js';
import { type GroupContent, groupContent } from './content.js';
import {
  attemptResult as done,
  type GroupAttempt,
  type PublishContext,
  type RunContext,
} from './group-context.js';
import { heldResult, staleResult, waitingResult } from './group-results.js';
import { foreignCommit } from './ownership.js';
import { autoMergeOf, withRepublishedLabel } from './pr-extras.js';
import { republishedGroups } from './republished-groups.js';
import { signBranch } from './signed-branch.js';
import { errorInfo, stamp, withLeaseRetry } from './support.js';
import type { GroupResult, GroupStatus, PublishGroup, PublishResult } from './types.js';

/** Marker of the comment left on a PR whose branch someone else pushed to. */
export const LEFT_ALONE_MARKER = '<!-- imagestreams:branch-left-alone -->';

/** Publishes every group as a branch and a pull request; failures of one group do not stop the others. */
export async function publishPullRequests(ctx: PublishContext): Promise<PublishResult> {
  const { opts, repo, access } = ctx;
  const gh = opts.github!;
  const remote = await listRemoteBranches(access);
  const base = opts.base ?? remote.defaultBranch ?? repo.branch;
  if (!base) {
    throw new ImagestreamsError('GIT_NO_BASE', 'Cannot tell the base branch of pull requests; pass `base`.', {
      data: { dir: opts.dir },
    });
  }
  const run: RunContext = {
    ...ctx,
    pulls: { octokit: gh.octokit, logger: opts.logger, ...omitUndefined({ sleep: opts.sleep }) },
    base,
    remote,
    baseTip: '',
    baseTree: '',
  };
  await refreshBase(run);
  if (opts.openLimit) {
    const { owner, repo: name } = gh;
    const count = await countOpenPulls(run.pulls, { owner, repo: name, prefix: opts.openLimit.branchPrefix });
    run.open = { max: opts.openLimit.max, count };
  }
  // Without origin/HEAD a new branch would upload the whole tree (isomorphic-git's thin-pack base).
  await writeRemoteHead(repo, base);

  const results: GroupResult[] = [];
  for (const g of opts.groups) {
    const { result, content } = await publishWithRetry(run, g);
    results.push(result);
    for (const sub of republishedGroups(run, g, content))
      results.push((await publishWithRetry(run, sub)).result);
  }
  return { mode: 'pull-request', groups: results };
}

/** One group, rebuilt on the remote's new state when a lease is lost; with the content of its last attempt. */
async function publishWithRetry(
  run: RunContext,
  g: PublishGroup,
): Promise<{ result: GroupResult; content?: GroupContent }> {
  const { opts, repo, access, secrets } = run;
  const gh = opts.github!;
  const target = { owner: gh.owner, repo: gh.repo, head: g.branch, base: run.base };
  let last: GroupContent | undefined;
  const result = await withLeaseRetry<GroupResult>({
    max: opts.maxAttempts ?? 3,
    run: async (attempt) => {
      const content = await groupContent(repo, g, run.baseTip);
      if ('stale' in content) return staleResult(run, g, content.stale, attempt);
      last = content;
      if (g.waiting) return waitingResult(run, g, g.waiting, attempt);
      const branchTip = run.remote.branches.get(g.branch) ?? null;
      return publishGroup({ run, g, target, branchTip, attempt }, content);
    },
    refresh: async (attempt) => {
      opts.logger.info(`branch ${g.branch} moved on the remote; rebuilding`, { attempt });
      run.remote = await listRemoteBranches(access);
      await refreshBase(run);
    },
    fail: (e, attempt) => {
      const error = errorInfo(e, secrets);
      opts.logger.error(`publishing ${g.key} failed: ${error.message}`);
      return { key: g.key, branch: g.branch, status: 'failed', error, attempts: attempt };
    },
  });
  return { result, ...omitUndefined({ content: last }) };
}

/** The base's tip and tree as the remote lists them now (fetched when not local). */
async function refreshBase(run: RunContext): Promise<void> {
  const tip = run.remote.branches.get(run.base);
  if (!tip) {
    throw new ImagestreamsError(
      'GIT_NO_BASE',
      `The base branch "${run.base}" does not exist on the remote.`,
      {
        data: { base: run.base },
      },
    );
  }
  await ensureCommit(run.repo, run.access, tip, run.base);
  run.baseTip = tip;
  run.baseTree = await treeOf(run.repo, tip);
}

/** One group: leave a foreign branch alone, close what is empty, push what changed, then create or update the PR. */
async function publishGroup(a: GroupAttempt, content: GroupContent): Promise<GroupResult> {
  const { run, g, branchTip } = a;
  const tree = await buildTree({
    fs: run.repo.fs,
    gitdir: run.repo.gitdir,
    base: run.baseTree,
    files: content.files,
    repo: run.repo,
  });
  let branchTree: string | null = null;
  if (branchTip) {
    const commit = await ensureCommit(run.repo, run.access, branchTip, g.branch);
    const foreign = await foreignCommit(a, commit);
    if (foreign) return leaveAlone(a, foreign);
    branchTree = commit.commit.tree;
  }
  if (tree === run.baseTree) return closeEmpty(a);

  const extras = { ...run.opts.pr, ...g.pr };
  const merging = autoMergeOf(extras, g, content);
  if (tree === branchTree && g.compose) {
    // The branch already holds exactly this content: its open PR already describes it. No write at all.
    const open = await findPullRequest(run.pulls, a.target);
    if (open && autoMergeInSync(open, merging)) {
      return {
        ...done(a, 'unchanged'),
        ...(branchTip ? { commit: branchTip } : {}),
        pullRequest: { number: open.number, url: open.html_url },
        pushed: false,
        uploadedBytes: 0,
      };
    }
  }
  if (run.open && run.open.count >= run.open.max && !(await findPullRequest(run.pulls, a.target))) {
    return heldResult(a, run.open.max);
  }
  const pushed =
    tree === branchTree
      ? undefined
      : run.opts.signCommits
        ? await signBranch(a, tree, content.files, groupCommitMessage(a, content))
        : await pushBranch(a, tree, content);
  const commit = pushed?.commit ?? branchTip ?? undefined;
  const pr = await upsertPullRequest(run.pulls, {
    ...a.target,
    title: renderSubject(content.changes, content.notes, content.consumers),
    body: renderPullRequestBody(content.changes, content.consumers, {
      marker: `<!-- imagestreams:group=${g.key} -->`,
      notes: content.notes,
    }),
    ...withRepublishedLabel(extras.labels, content.changes),
    ...omitUndefined({
      reviewers: extras.reviewers,
      teamReviewers: extras.teamReviewers,
      assignees: extras.assignees,
      draft: extras.draft,
    }),
    ...merging,
  });
  const status: GroupStatus =
    pr.operation === 'created' ? 'created' : pushed || pr.operation === 'updated' ? 'updated' : 'unchanged';
  if (run.open && status === 'created') run.open.count++;
  return {
    ...done(a, status),
    ...(commit ? { commit } : {}),
    pullRequest: { number: pr.number, url: pr.url },
    pushed: Boolean(pushed),
    uploadedBytes: pushed?.uploadedBytes ?? 0,
  };
}

/** A branch someone else pushed to is not overwritten: say so once on its PR. */
async function leaveAlone(a: GroupAttempt, foreign: string): Promise<GroupResult> {
  const reason =
    `branch "${a.g.branch}" has a commit imagestreams did not make (${foreign}); it was left unchanged. ` +
    'Merge or close its pull request, or delete the branch, to let imagestreams manage it again.';
  a.run.opts.logger.warn(reason);
  await commentOnPullRequest(
    a.run.pulls,
    a.target,
    `imagestreams left this branch alone: ${reason}`,
    LEFT_ALONE_MARKER,
  );
  return { ...done(a, 'skipped'), reason };
}

/** Nothing to propose (the base already has it): close the open PR and delete the branch. */
async function closeEmpty(a: GroupAttempt): Promise<GroupResult> {
  const { run, g, branchTip } = a;
  if (!branchTip) return done(a, 'nothing');
  const closed = await closePullRequest(
    run.pulls,
    a.target,
    `Closing: the images are back at the digests \`${a.target.base}\` already locks, so there is nothing to merge.`,
  );
  await pushRef({
    repo: run.repo,
    access: run.access,
    localRef: '',
    branch: g.branch,
    expected: branchTip,
    delete: true,
  });
  if (!closed) {
    // No open PR (merged or closed by someone): only the leftover branch went away.
    run.opts.logger.info(`deleted leftover branch ${g.branch}: nothing to propose`);
    return { ...done(a, 'nothing'), reason: 'leftover branch deleted' };
  }
  run.opts.logger.info(`closed ${g.key}: upstream returned to the base's digests`, { branch: g.branch });
  if (run.open) run.open.count--;
  return {
    ...done(a, 'closed'),
    reason: 'upstream returned to what the base branch already has',
    pullRequest: { number: closed.number, url: closed.url },
  };
}

/** The message of a group's branch commit. */
function groupCommitMessage(a: GroupAttempt, content: GroupContent): string {
  const { opts } = a.run;
  return renderCommitMessage(content.changes, content.consumers, {
    group: a.g.key,
    notes: content.notes,
    ...(opts.messageTemplate ? { template: opts.messageTemplate } : {}),
  });
}

/** One commit with `tree` on the base's tip, force-pushed to the group's branch with a lease on its old tip. */
async function pushBranch(
  a: GroupAttempt,
  tree: string,
  content: GroupContent,
): Promise<{ commit: string; uploadedBytes: number }> {
  const { run, g } = a;
  const { opts } = run;
  const localRef = `refs/imagestreams/${g.branch}`;
  const commit = await commitTree({
    repo: run.repo,
    tree,
    parent: run.baseTip,
    ref: localRef,
    message: groupCommitMessage(a, content),
    author: stamp(opts.author, opts.now),
    committer: stamp(opts.committer ?? opts.author, opts.now),
  });
  const p = await pushRef({
    repo: run.repo,
    access: run.access,
    localRef,
    branch: g.branch,
    expected: a.branchTip,
  });
  opts.logger.info(`pushed ${g.branch}`, { commit: commit.slice(0, 12), bytes: p.uploadedBytes });
  return { commit, uploadedBytes: p.uploadedBytes };
}
