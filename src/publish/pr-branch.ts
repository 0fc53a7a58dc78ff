// Lock-PR publishing: one commit of the files a run wrote, on top of the pull request's head, added to the pull
// request's own branch as a fast-forward from the head the event named — pushed with git, or (publish.signCommits)
// made by GitHub through the Git Data API so it shows as verified. A branch that moved is refused, never
// overwritten; a branch that already holds this very commit (a re-run) is left as it is.

import type { HttpClient } from 'isomorphic-git';
import { commitFiles, type GitIdentity, readWorkFiles } from '../git/commit.js';
import type { CommitInfo } from '../git/history.js';
import { pushRef } from '../git/push.js';
import { ensureCommit, listRemoteBranches, type RemoteAccess } from '../git/remote.js';
import type { GitRepo } from '../git/repo.js';
import type { GitHubClient } from '../github/client.js';
import { createSignedCommit, moveBranch } from '../github/git-data.js';
import { ImagestreamsError } from '../model/errors.js';
import { lockPrBase } from '../render/lock-pr.js';
import type { Logger } from '../util/logger.js';
import { treeChanges } from './signed-branch.js';

/** The local ref the lock commit is built on (the checkout's own branch and HEAD are left alone). */
const LOCAL_REF = 'refs/imagestreams/lock-pr';

/** Where and how to add the commit. */
export interface PrBranchOptions {
  repo: GitRepo;
  /** The pull request's head branch and the head commit the event named (the lease). */
  branch: string;
  head: CommitInfo;
  files: string[];
  message: string;
  author: GitIdentity;
  git: { url: string; token?: string; http: HttpClient };
  /** Set for publish.signCommits: the commit is made by GitHub through this client. */
  signed?: { octokit: GitHubClient; owner: string; repo: string };
  logger: Logger;
}

/** What happened: nothing to commit, committed now, or already there from a previous run of the same event. */
export type PrBranchResult =
  | { status: 'nothing' }
  | { status: 'pushed' | 'already'; commit: string; signed: boolean; uploadedBytes: number };

/** Commits `files` on the head and adds the commit to the branch as a fast-forward; refuses a moved branch. */
export async function commitToPrBranch(o: PrBranchOptions): Promise<PrBranchResult> {
  const { repo, branch, head } = o;
  const c = await commitFiles({
    repo,
    files: o.files,
    message: o.message,
    author: o.author,
    parent: head.oid,
    ref: LOCAL_REF,
  });
  if (!c.changed) return { status: 'nothing' };
  const access: RemoteAccess = {
    url: o.git.url,
    http: o.git.http,
    ...(o.git.token ? { token: o.git.token } : {}),
  };
  const tip = (await listRemoteBranches(access)).branches.get(branch) ?? null;
  if (tip !== head.oid) {
    // A re-run of the same event finds the lock commit an earlier run built on this same head.
    if (tip && (await isLockCommitOn(repo, access, branch, tip, head.oid))) {
      return { status: 'already', commit: tip, signed: false, uploadedBytes: 0 };
    }
    throw headMoved(branch, head.oid, tip);
  }
  try {
    if (o.signed) return await signOnBranch(o, c.tree);
    const pushed = await pushRef({ repo, access, localRef: LOCAL_REF, branch, expected: head.oid });
    o.logger.info(`pushed ${c.oid!.slice(0, 12)} to ${branch}`, { bytes: pushed.uploadedBytes });
    return { status: 'pushed', commit: c.oid!, signed: false, uploadedBytes: pushed.uploadedBytes };
  } catch (e) {
    if (e instanceof ImagestreamsError && (e.code === 'GIT_LEASE_FAILED' || e.code === 'GIT_PUSH_REJECTED')) {
      const actual = (e.data as { actual?: string | null } | undefined)?.actual;
      throw headMoved(branch, head.oid, actual ?? null, e);
    }
    throw e;
  }
}

/** publish.signCommits: GitHub makes the commit of the same tree, and the branch is moved to it under the lease. */
async function signOnBranch(o: PrBranchOptions, tree: string): Promise<PrBranchResult> {
  const s = o.signed!;
  const target = { owner: s.owner, repo: s.repo };
  const changes = await treeChanges(o.repo, o.head.tree, tree, await readWorkFiles(o.repo, o.files));
  const made = await createSignedCommit(s.octokit, target, {
    baseTree: o.head.tree,
    parent: o.head.oid,
    message: o.message,
    changes,
  });
  await moveBranch(s.octokit, target, { branch: o.branch, sha: made.commit, expected: o.head.oid });
  const uploadedBytes = changes.reduce((n, c) => n + (c.content?.length ?? 0), 0);
  o.logger.info(`committed ${made.commit.slice(0, 12)} to ${o.branch} through the GitHub API (signed)`, {
    bytes: uploadedBytes,
  });
  return { status: 'pushed', commit: made.commit, signed: true, uploadedBytes };
}

/** True when `tip` is a lock commit built on `head` (its parent, named by its trailer). */
async function isLockCommitOn(
  repo: GitRepo,
  access: RemoteAccess,
  branch: string,
  tip: string,
  head: string,
): Promise<boolean> {
  try {
    const { commit } = await ensureCommit(repo, access, tip, branch);
    return lockPrBase(commit.message) === head && commit.parent.length === 1 && commit.parent[0] === head;
  } catch {
    return false;
  }
}

function headMoved(
  branch: string,
  expected: string,
  actual: string | null,
  cause?: unknown,
): ImagestreamsError {
  const short = (s: string | null) => (s ? s.slice(0, 12) : 'deleted');
  return new ImagestreamsError(
    'LOCK_PR_HEAD_MOVED',
    `The pull request's branch "${branch}" moved since the event this run is for (the event named ` +
      `${short(expected)}, the branch is at ${short(actual)}); nothing was pushed and nothing was lost. The run ` +
      'for the newer push commits the locks; to redo it for this head, re-run the workflow of the latest push.',
    { data: { branch, expected, actual }, permanent: true, ...(cause ? { cause } : {}) },
  );
}
