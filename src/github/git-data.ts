// Commits made through GitHub's Git Data API (blobs, trees, commits, refs) instead of a git push: GitHub signs a
// commit it creates for a token that gives no author, so it shows as verified on repositories that require signed
// commits. The API has no compare-and-swap on refs: a branch is re-read just before it is moved (the lease).

import { ImagestreamsError } from '../model/errors.js';
import type { GitHubClient } from './client.js';
import { githubError, statusOf } from './errors.js';

/** Which repository. */
export interface RepoTarget {
  owner: string;
  repo: string;
}

/** One path of the new tree: its blob's content and mode, or null to delete it. */
export interface TreeChange {
  path: string;
  content: Uint8Array | null;
  /** Git file mode, e.g. "100644" (ignored for deletions). */
  mode: string;
}

const CONTENTS_WRITE = 'contents: write';
const CONTENTS_READ = 'contents: read';

/**
 * Creates a commit of `base_tree` + `changes` on `parent`, without author or committer, so GitHub authors and
 * signs it as the token's identity. Returns the commit's and the tree's SHA.
 */
export async function createSignedCommit(
  gh: GitHubClient,
  t: RepoTarget,
  o: { baseTree: string; parent: string; message: string; changes: TreeChange[] },
): Promise<{ commit: string; tree: string }> {
  const where = `${t.owner}/${t.repo}`;
  const tree: Array<{
    path: string;
    mode: '100644' | '100755' | '120000';
    type: 'blob';
    sha: string | null;
  }> = [];
  for (const c of o.changes) {
    const mode = (c.mode === '100755' || c.mode === '120000' ? c.mode : '100644') as '100644';
    if (c.content === null) {
      tree.push({ path: c.path, mode, type: 'blob', sha: null });
      continue;
    }
    const blob = await call(`upload ${c.path} as a blob to ${where}`, () =>
      gh.rest.git.createBlob({
        ...t,
        content: Buffer.from(c.content!).toString('base64'),
        encoding: 'base64',
      }),
    );
    tree.push({ path: c.path, mode, type: 'blob', sha: blob.data.sha });
  }
  const made = await call(`create a tree in ${where}`, () =>
    gh.rest.git.createTree({ ...t, base_tree: o.baseTree, tree }),
  );
  const commit = await call(`create a commit in ${where}`, () =>
    gh.rest.git.createCommit({ ...t, message: o.message, tree: made.data.sha, parents: [o.parent] }),
  );
  return { commit: commit.data.sha, tree: made.data.sha };
}

/** The SHA `refs/heads/<branch>` points at now, or null when the branch does not exist. */
export async function readBranch(gh: GitHubClient, t: RepoTarget, branch: string): Promise<string | null> {
  try {
    const { data } = await gh.rest.git.getRef({ ...t, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (e) {
    if (statusOf(e) === 404) return null;
    throw githubError(e, {
      action: `read branch "${branch}" of ${t.owner}/${t.repo}`,
      permission: CONTENTS_READ,
    });
  }
}

/**
 * Points `branch` at `sha` if it still is at `expected` (null: must not exist). The ref is re-read first; a
 * branch that moved, or appeared, is a GIT_LEASE_FAILED (temporary: rebuild on the new state and try again).
 * Between the read and the write there is no lock: the window is one API round trip.
 */
export async function moveBranch(
  gh: GitHubClient,
  t: RepoTarget,
  o: { branch: string; sha: string; expected: string | null },
): Promise<void> {
  const now = await readBranch(gh, t, o.branch);
  if (now !== o.expected) throw leaseFailed(o.branch, o.expected, now);
  const action = `move branch "${o.branch}" of ${t.owner}/${t.repo}`;
  try {
    if (o.expected === null) {
      await gh.rest.git.createRef({ ...t, ref: `refs/heads/${o.branch}`, sha: o.sha });
    } else {
      await gh.rest.git.updateRef({ ...t, ref: `heads/${o.branch}`, sha: o.sha, force: true });
    }
  } catch (e) {
    // 422 on create: the branch appeared after our read ("Reference already exists").
    if (o.expected === null && statusOf(e) === 422) throw leaseFailed(o.branch, null, 'a new commit');
    throw githubError(e, { action, permission: CONTENTS_WRITE });
  }
}

/** True when `ancestor` is `tip` or one of its ancestors (GitHub's compare API: "ahead" or "identical"). */
export async function isAncestor(
  gh: GitHubClient,
  t: RepoTarget,
  ancestor: string,
  tip: string,
): Promise<boolean> {
  if (ancestor === tip) return true;
  const { data } = await call(
    `compare ${ancestor.slice(0, 12)} with ${tip.slice(0, 12)} in ${t.owner}/${t.repo}`,
    () => gh.rest.repos.compareCommitsWithBasehead({ ...t, basehead: `${ancestor}...${tip}`, per_page: 1 }),
    CONTENTS_READ,
  );
  return data.status === 'ahead' || data.status === 'identical';
}

async function call<T>(action: string, f: () => Promise<T>, permission = CONTENTS_WRITE): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw githubError(e, { action, permission });
  }
}

function leaseFailed(branch: string, expected: string | null, actual: string | null): ImagestreamsError {
  const short = (s: string | null) => (s === null ? 'no branch' : s.slice(0, 12));
  return new ImagestreamsError(
    'GIT_LEASE_FAILED',
    `The branch "${branch}" changed while this run worked (expected ${short(expected)}, found ${short(actual)}); ` +
      'it was not moved.',
    { data: { branch, expected, actual }, permanent: false },
  );
}
