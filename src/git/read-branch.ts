// Reads files and tree entries as they are at a commit or on a remote branch (e.g. the open PR branch of a
// stream), so the reconciler can keep values such as an image's first-seen `created` time stable across runs
// instead of rewriting the branch, and publishing can compare a group's content with the base.

import git, { type TreeEntry } from 'isomorphic-git';
import { ensureCommit, listRemoteBranches, type RemoteAccess } from './remote.js';
import type { GitRepo } from './repo.js';

/**
 * Contents of `paths` on remote branch `branch` (undefined for a path the branch lacks); null when the branch
 * does not exist. Costs one ref listing (none when `listed` is given) and, when the tip is not local yet, one shallow fetch.
 */
export async function readRemoteBranchFiles(
  repo: GitRepo,
  access: RemoteAccess,
  branch: string,
  paths: string[],
  /** The remote's branches when the caller listed them already (one listing for many branches). */
  listed?: ReadonlyMap<string, string>,
): Promise<Map<string, string | undefined> | null> {
  const branches = listed ?? (await listRemoteBranches(access)).branches;
  const tip = branches.get(branch);
  if (!tip) return null;
  await ensureCommit(repo, access, tip, branch);
  const out = new Map<string, string | undefined>();
  for (const path of paths) out.set(path, await readTextAt(repo, tip, path));
  return out;
}

/** The text of `filepath` at `commit`; undefined when the commit lacks it. */
export async function readTextAt(
  repo: GitRepo,
  commit: string,
  filepath: string,
): Promise<string | undefined> {
  try {
    const { blob } = await git.readBlob({ fs: repo.fs, gitdir: repo.gitdir, oid: commit, filepath });
    return Buffer.from(blob).toString('utf8');
  } catch {
    return undefined;
  }
}

/** The entry at `path` in `tree`, or undefined. */
export async function entryAt(repo: GitRepo, tree: string, path: string): Promise<TreeEntry | undefined> {
  const slash = path.lastIndexOf('/');
  const dir = slash < 0 ? '' : path.slice(0, slash);
  const name = path.slice(slash + 1);
  try {
    const r = await git.readTree({
      fs: repo.fs,
      gitdir: repo.gitdir,
      oid: tree,
      ...(dir ? { filepath: dir } : {}),
    });
    return r.tree.find((e) => e.path === name);
  } catch {
    return undefined;
  }
}
