// What a pull request changed, read from git objects without touching the work tree: the merge base of its base
// and head, the paths that differ between two commits (identical subtrees are skipped, not walked), and one
// commit's message and parents.

import git, { TREE } from 'isomorphic-git';
import { ImagestreamsError } from '../model/errors.js';
import type { GitRepo } from './repo.js';

/** A commit as the lock-PR check reads it. */
export interface CommitInfo {
  oid: string;
  message: string;
  parents: string[];
  tree: string;
}

/** The commit `oid`, or a LOCK_PR_CHECKOUT error naming `what` it is and how to fetch it. */
export async function readCommitInfo(repo: GitRepo, oid: string, what: string): Promise<CommitInfo> {
  try {
    const { commit } = await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid });
    return { oid, message: commit.message, parents: commit.parent, tree: commit.tree };
  } catch (e) {
    throw new ImagestreamsError(
      'LOCK_PR_CHECKOUT',
      `${what} ${oid.slice(0, 12)} is not in the checkout at ${repo.dir}: the pull request's history is needed to ` +
        'tell which declarations it changed. Check out with actions/checkout `fetch-depth: 0`.',
      { data: { commit: oid, dir: repo.dir }, cause: e, permanent: true },
    );
  }
}

/** The best common ancestor of `a` and `b` (where the pull request's branch left its base). */
export async function mergeBase(repo: GitRepo, a: string, b: string): Promise<string> {
  const found = await git.findMergeBase({ fs: repo.fs, gitdir: repo.gitdir, oids: [a, b] });
  const base = found[0] as string | undefined;
  if (!base) {
    throw new ImagestreamsError(
      'LOCK_PR_CHECKOUT',
      `${a.slice(0, 12)} and ${b.slice(0, 12)} have no common ancestor in the checkout at ${repo.dir} (a shallow ` +
        'clone?). Check out with actions/checkout `fetch-depth: 0`.',
      { data: { base: a, head: b, dir: repo.dir }, permanent: true },
    );
  }
  return base;
}

/** Repository-relative paths of the files that differ between commits `a` and `b` (added, changed or removed). */
export async function changedPaths(repo: GitRepo, a: string, b: string): Promise<string[]> {
  const out: string[] = [];
  await git.walk({
    fs: repo.fs,
    gitdir: repo.gitdir,
    trees: [TREE({ ref: a }), TREE({ ref: b })],
    map: async (path, entries) => {
      const [x, y] = entries;
      const [ox, oy] = [await x?.oid(), await y?.oid()];
      if (path !== '.' && ox === oy) return null; // identical: a subtree is not descended into
      const [tx, ty] = [await x?.type(), await y?.type()];
      if (tx === 'blob' || ty === 'blob') out.push(path);
      return tx === 'tree' || ty === 'tree' ? true : null;
    },
  });
  return out.sort();
}
