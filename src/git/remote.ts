// Talking to the remote: credentials through onAuth, listing refs, fetching one branch shallowly, and
// writing refs/remotes/origin/HEAD so pushes of new branches send only the new objects.

import git, { type HttpClient, type ReadCommitResult } from 'isomorphic-git';
import { ImagestreamsError } from '../model/errors.js';
import { redact, safeUrl } from '../util/redact.js';
import type { GitRepo } from './repo.js';

/** How to reach the remote: URL, token (sent only through onAuth) and the HTTP client. */
export interface RemoteAccess {
  url: string;
  token?: string;
  /** isomorphic-git HTTP client (`isomorphic-git/http/node` in production). */
  http: HttpClient;
  /** Remote name used for remote-tracking refs (default `origin`). */
  remote?: string;
}

/** onAuth/onAuthFailure callbacks for a token; a rejected token fails once instead of looping. */
export function authCallbacks(token: string | undefined) {
  return {
    onAuth: () => (token ? { username: 'x-access-token', password: token } : { cancel: true }),
    onAuthFailure: () => ({ cancel: true }),
  };
}

/** Branches on the remote (`refs/heads/...` → oid), and the default branch when advertised. */
export async function listRemoteBranches(
  access: RemoteAccess,
  opts: { forPush?: boolean } = {},
): Promise<{ branches: Map<string, string>; defaultBranch: string | null }> {
  try {
    const refs = await git.listServerRefs({
      http: access.http,
      url: access.url,
      ...authCallbacks(access.token),
      protocolVersion: 1,
      symrefs: true,
      forPush: opts.forPush ?? false,
    });
    const branches = new Map<string, string>();
    let defaultBranch: string | null = null;
    for (const r of refs) {
      if (r.ref.startsWith('refs/heads/')) branches.set(r.ref.slice('refs/heads/'.length), r.oid);
      if (r.ref === 'HEAD' && r.target?.startsWith('refs/heads/')) {
        defaultBranch = r.target.slice('refs/heads/'.length);
      }
    }
    return { branches, defaultBranch };
  } catch (e) {
    throw gitRemoteError(e, access, 'list the remote branches of');
  }
}

/** Fetches one branch (depth 1) into refs/remotes/<remote>/<branch> and returns its tip. */
export async function fetchBranch(repo: GitRepo, access: RemoteAccess, branch: string): Promise<string> {
  try {
    const res = await git.fetch({
      fs: repo.fs,
      dir: repo.dir,
      gitdir: repo.gitdir,
      http: access.http,
      url: access.url,
      remote: access.remote ?? 'origin',
      ref: branch,
      remoteRef: branch,
      singleBranch: true,
      depth: 1,
      tags: false,
      ...authCallbacks(access.token),
    });
    if (!res.fetchHead) throw new Error(`no commit fetched for ${branch}`);
    return res.fetchHead;
  } catch (e) {
    throw gitRemoteError(e, access, `fetch branch "${branch}" from`);
  }
}

/**
 * Commit `oid` (the tip of remote `branch`), read from the local object store after fetching the branch when the
 * store lacks it: the one way every caller makes a remote tip local.
 */
export async function ensureCommit(
  repo: GitRepo,
  access: RemoteAccess,
  oid: string,
  branch: string,
): Promise<ReadCommitResult> {
  const read = () => git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid });
  try {
    return await read();
  } catch {
    await fetchBranch(repo, access, branch);
    return read();
  }
}

/**
 * Writes refs/remotes/<remote>/HEAD as a symbolic ref to `branch` when it is missing (shallow single-branch
 * checkouts lack it); isomorphic-git then skips the objects that branch already has when pushing.
 */
export async function writeRemoteHead(repo: GitRepo, branch: string, remote = 'origin'): Promise<boolean> {
  const ref = `refs/remotes/${remote}/HEAD`;
  try {
    await git.resolveRef({ fs: repo.fs, gitdir: repo.gitdir, ref, depth: 1 });
    return false;
  } catch {
    await git.writeRef({
      fs: repo.fs,
      gitdir: repo.gitdir,
      ref,
      value: `refs/remotes/${remote}/${branch}`,
      symbolic: true,
      force: true,
    });
    return true;
  }
}

/** Turns an isomorphic-git or network error into an ImagestreamsError that names the fix (no secrets). */
export function gitRemoteError(e: unknown, access: RemoteAccess, action: string): ImagestreamsError {
  if (e instanceof ImagestreamsError) return e;
  const err = e as { code?: string; message?: string; data?: { statusCode?: number; reason?: string } };
  const where = safeUrl(access.url);
  const status = err.code === 'HttpError' ? err.data?.statusCode : undefined;
  // onAuthFailure cancels instead of retrying the same token, which surfaces as UserCanceledError.
  if (status === 401 || err.code === 'UserCanceledError') {
    return new ImagestreamsError(
      access.token ? 'GIT_AUTH_FAILED' : 'GIT_NO_CREDENTIALS',
      access.token
        ? `Could not ${action} ${where}: the remote rejected the token (HTTP 401). Check that the token is valid ` +
            'and has not expired.'
        : `Could not ${action} ${where}: the remote asks for credentials and no token was given. ` +
            'Pass a token (GITHUB_TOKEN) or use publish mode "none".',
      { data: { url: where, status: 401 }, cause: scrub(e, access), permanent: true },
    );
  }
  if (status === 403) {
    return new ImagestreamsError(
      'GIT_FORBIDDEN',
      `Could not ${action} ${where}: permission denied (HTTP 403). The token needs "contents: write" ` +
        '(and "workflows: write" to change files under .github/workflows).',
      {
        data: { url: where, status: 403, permission: 'contents: write' },
        cause: scrub(e, access),
        permanent: true,
      },
    );
  }
  const temporary =
    (status !== undefined && (status >= 500 || status === 429)) ||
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up/.test(String(err.message));
  return new ImagestreamsError(
    'GIT_REMOTE_FAILED',
    `Could not ${action} ${where}: ${redact(String(err.message ?? e), [access.token])}`,
    { data: { url: where, ...(status ? { status } : {}) }, cause: scrub(e, access), permanent: !temporary },
  );
}

/** A copy of an error safe to keep as a cause: message redacted, no request/response payloads. */
function scrub(e: unknown, access: RemoteAccess): Error {
  const err = e as { name?: string; code?: string; message?: string };
  const out = new Error(redact(String(err.message ?? e), [access.token]));
  out.name = err.name ?? 'Error';
  (out as Error & { code?: string }).code = err.code;
  return out;
}

/** True for hosts that never leave the machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * A remote URL made safe to use and store: `user:token@` is taken out (it would be written to .git/config)
 * and handed back as the token to send through onAuth; plain HTTP is refused unless the host is loopback (the
 * token would cross the network in clear text). Returns a message naming the fix when the URL is refused.
 */
export function checkRemoteUrl(text: string): { url: string; token?: string } | { error: string } {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { error: `"${safeUrl(text)}" is not a URL: give https://HOST/OWNER/REPO.git` };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    return { error: `${u.protocol} remotes are not supported: give an https:// URL` };
  }
  const embedded = decodeURIComponent(u.password || u.username) || undefined;
  u.username = '';
  u.password = '';
  const url = u.toString();
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    return {
      error: `${url} is plain HTTP: the token would cross the network unencrypted. Use https:// (plain HTTP is allowed only for loopback hosts)`,
    };
  }
  return embedded ? { url, token: embedded } : { url };
}
