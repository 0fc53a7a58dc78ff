// `publish.signCommits`: a group's branch commit is made by GitHub through the Git Data API (see
// github/git-data.ts) rather than pushed, so GitHub signs it and it shows as verified. The tree is the one the run
// built locally; only the paths where it differs from the base are uploaded.

import type { FileContent } from '../git/commit.js';
import { entryAt } from '../git/read-branch.js';
import type { GitRepo } from '../git/repo.js';
import { createSignedCommit, moveBranch, type TreeChange } from '../github/git-data.js';
import type { GroupAttempt } from './group-context.js';

/**
 * Makes the commit of `tree` on the base's tip through the API and moves the group's branch to it, under a lease
 * on the tip this run saw. `uploadedBytes` counts the blob bytes sent.
 */
export async function signBranch(
  a: GroupAttempt,
  tree: string,
  files: Map<string, FileContent>,
  message: string,
): Promise<{ commit: string; uploadedBytes: number }> {
  const { run, g } = a;
  const gh = run.opts.github!;
  const target = { owner: gh.owner, repo: gh.repo };
  const changes = await treeChanges(run.repo, run.baseTree, tree, files);
  const made = await createSignedCommit(gh.octokit, target, {
    baseTree: run.baseTree,
    parent: run.baseTip,
    message,
    changes,
  });
  if (made.tree !== tree) {
    // Same entries on the same base tree give the same tree; if GitHub's differs, the next run rebuilds the branch.
    run.opts.logger.warn(
      `GitHub built tree ${made.tree.slice(0, 12)} for ${g.branch}, expected ${tree.slice(0, 12)}`,
    );
  }
  await moveBranch(gh.octokit, target, { branch: g.branch, sha: made.commit, expected: a.branchTip });
  const uploadedBytes = changes.reduce((n, c) => n + (c.content?.length ?? 0), 0);
  run.opts.logger.info(`committed ${g.branch} through the GitHub API (signed)`, {
    commit: made.commit.slice(0, 12),
    bytes: uploadedBytes,
  });
  return { commit: made.commit, uploadedBytes };
}

/** The paths of `files` whose entry in `tree` differs from `baseTree`, with the new content and mode. */
export async function treeChanges(
  repo: GitRepo,
  baseTree: string,
  tree: string,
  files: Map<string, FileContent>,
): Promise<TreeChange[]> {
  const out: TreeChange[] = [];
  for (const [path, content] of files) {
    const before = await entryAt(repo, baseTree, path);
    const after = await entryAt(repo, tree, path);
    if (before?.oid === after?.oid && before?.mode === after?.mode) continue;
    if (!after) {
      if (before?.type === 'blob') out.push({ path, content: null, mode: before.mode });
      continue;
    }
    if (content === null) continue; // cannot happen: the tree has the path only when the content does
    out.push({ path, content, mode: after.mode });
  }
  return out;
}
