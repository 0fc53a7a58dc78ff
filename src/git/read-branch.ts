// Reads files as they are on a remote branch (e.g. the open PR branch of a stream), so the reconciler can keep
// values such as an image's first-seen `created` time stable across runs instead of rewriting the branch.

import git from 'isomorphic-git';
import { fetchBranch, listRemoteBranches, type RemoteAccess } from './remote.js';
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
  try {
    await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid: tip });
  } catch {
    await fetchBranch(repo, access, branch);
  }
  const out = new Map<string, string | undefined>();
  for (const path of paths) {
    try {
      const { blob } = await git.readBlob({ fs: repo.fs, gitdir: repo.gitdir, oid: tip, filepath: path });
      out.set(path, Buffer.from(blob).toString('utf8'));
    } catch {
      out.set(path, undefined);
    }
  }
  return out;
}
