// The daemon's own checkout: a shallow single-branch clone made with isomorphic-git, then prepared the way
// publish() needs it (origin/HEAD written, so pushes of new branches stay small).

import git from 'isomorphic-git';
import { safeUrl } from '../util/redact.js';
import { authCallbacks, gitRemoteError, type RemoteAccess, writeRemoteHead } from './remote.js';
import { type GitFs, type GitRepo, openRepo } from './repo.js';

export interface CloneOptions {
  fs: GitFs;
  dir: string;
  access: RemoteAccess;
  /** Branch to check out (default: the remote's default branch). */
  branch?: string;
  /** History depth (default 1). */
  depth?: number;
}

/** Clones `access.url` into `dir` (shallow, single branch) and opens it; an existing clone is fetched instead. */
export async function cloneRepo(opts: CloneOptions): Promise<GitRepo> {
  const { fs, dir, access } = opts;
  let exists = true;
  try {
    await fs.promises.stat(`${dir}/.git`);
  } catch {
    exists = false;
  }
  // Shallow, one branch, no tags, the token through onAuth only: the same for a first clone and a refresh.
  const shallow = {
    fs,
    dir,
    http: access.http,
    url: access.url,
    singleBranch: true,
    depth: opts.depth ?? 1,
    ...authCallbacks(access.token),
  };
  try {
    if (!exists) {
      await git.clone({ ...shallow, noTags: true, ...(opts.branch ? { ref: opts.branch } : {}) });
    } else {
      const branch = opts.branch ?? (await git.currentBranch({ fs, dir })) ?? undefined;
      const res = await git.fetch({ ...shallow, tags: false, ...(branch ? { ref: branch } : {}) });
      if (branch && res.fetchHead) {
        // Move the local branch to the fetched tip and make the work tree match (the daemon owns this clone).
        await git.writeRef({ fs, dir, ref: `refs/heads/${branch}`, value: res.fetchHead, force: true });
        await git.checkout({ fs, dir, ref: branch, force: true });
      }
    }
  } catch (e) {
    throw gitRemoteError(e, access, 'clone');
  }
  // The remote URL kept in .git/config never carries credentials (the token goes through onAuth only); a
  // clone an older version made from a URL with `user:token@` is corrected here.
  const stored = await git.getConfig({ fs, dir, path: 'remote.origin.url' }).catch(() => undefined);
  if (typeof stored === 'string' && stored !== safeUrl(stored)) {
    await git.setConfig({ fs, dir, path: 'remote.origin.url', value: stripCredentials(stored) });
  }
  const repo = await openRepo({ fs, dir });
  if (repo.branch) await writeRemoteHead(repo, repo.branch);
  return repo;
}

function stripCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return safeUrl(url);
  }
}
