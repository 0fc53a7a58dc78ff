// Pushes one ref with a lease: the push goes ahead only if the remote ref still has the value we built on.
// The lease is checked against the ref advertisement of the push itself (onPrePush), and the old value sent
// to receive-pack is that advertised value, so a concurrent update between the two is refused by the server.

import git, { type GitHttpRequest, type HttpClient } from 'isomorphic-git';
import { ImagestreamsError } from '../model/errors.js';
import { redact, safeUrl } from '../util/redact.js';
import { authCallbacks, gitRemoteError, type RemoteAccess } from './remote.js';
import type { GitRepo } from './repo.js';

const ZERO = '0000000000000000000000000000000000000000';

export interface PushRefOptions {
  repo: GitRepo;
  access: RemoteAccess;
  /** Local full ref to push (ignored for deletes). */
  localRef: string;
  /** Remote branch short name. */
  branch: string;
  /**
   * The lease: the oid the remote branch must have now (null: must not exist). Undefined pushes without
   * a lease (fast-forward only unless `force`).
   */
  expected?: string | null;
  force?: boolean;
  delete?: boolean;
}

/** What a push did; `uploadedBytes` is the request body size sent to receive-pack. */
export interface PushResult {
  branch: string;
  oid: string | null;
  previous: string | null;
  uploadedBytes: number;
}

/** Pushes `localRef` to `refs/heads/<branch>` under the lease; throws GIT_LEASE_FAILED / GIT_PUSH_REJECTED. */
export async function pushRef(opts: PushRefOptions): Promise<PushResult> {
  const { repo, access } = opts;
  const remoteRef = `refs/heads/${opts.branch}`;
  let advertised: string | null = null;
  const counted = countingHttp(access.http);
  const messages: string[] = [];
  let leaseBroken = false;
  let result: Awaited<ReturnType<typeof git.push>>;
  try {
    result = await git.push({
      fs: repo.fs,
      dir: repo.dir,
      gitdir: repo.gitdir,
      http: counted.http,
      url: access.url,
      remote: access.remote ?? 'origin',
      // A delete needs no local ref; HEAD only satisfies isomorphic-git's argument check.
      ref: opts.delete ? 'HEAD' : opts.localRef,
      remoteRef,
      force: opts.force ?? opts.expected !== undefined,
      delete: opts.delete ?? false,
      ...authCallbacks(access.token),
      onMessage: (m) => {
        messages.push(redact(m.trim(), [access.token]));
      },
      onPrePush: ({ remoteRef: r }) => {
        advertised = r.oid === ZERO ? null : r.oid;
        if (opts.expected !== undefined && advertised !== opts.expected) {
          leaseBroken = true;
          return false;
        }
        return true;
      },
    });
  } catch (e) {
    if (leaseBroken) {
      throw new ImagestreamsError(
        'GIT_LEASE_FAILED',
        `The remote branch "${opts.branch}" changed while this run worked (expected ${short(opts.expected)}, ` +
          `found ${short(advertised)}); nothing was pushed.`,
        {
          data: { branch: opts.branch, expected: opts.expected ?? null, actual: advertised },
          permanent: false,
        },
      );
    }
    const code = (e as { code?: string }).code;
    if (code === 'PushRejectedError') {
      throw new ImagestreamsError(
        'GIT_PUSH_REJECTED',
        `The push to "${opts.branch}" at ${safeUrl(access.url)} was rejected as not a fast-forward ` +
          '(the branch moved on the remote).',
        { data: { branch: opts.branch }, permanent: false },
      );
    }
    if (code === 'GitPushError') {
      const details = (e as { data?: { prettyDetails?: string } }).data?.prettyDetails ?? '';
      throw refused(opts.branch, access, `${details} ${messages.join(' ')}`);
    }
    throw gitRemoteError(e, access, `push "${opts.branch}" to`);
  }
  if (!result.ok) {
    const why = Object.values(result.refs ?? {})
      .map((r) => r.error)
      .filter(Boolean)
      .join('; ');
    throw refused(opts.branch, access, `${why} ${messages.join(' ')}`);
  }
  const oid = opts.delete
    ? null
    : await git.resolveRef({ fs: repo.fs, gitdir: repo.gitdir, ref: opts.localRef });
  return { branch: opts.branch, oid, previous: advertised, uploadedBytes: counted.bytes() };
}

/**
 * receive-pack's words when the ref changed between its advertisement and our update (the server-side half
 * of the lease): git prints these and gives no structured code.
 */
const REF_MOVED_TEXT = /cannot lock ref|stale info|but expected|reference already exists|failed to lock/i;

function refused(branch: string, access: RemoteAccess, why: string): ImagestreamsError {
  const text = redact(why.replace(/\s+/g, ' ').trim(), [access.token]);
  if (REF_MOVED_TEXT.test(text)) {
    return new ImagestreamsError(
      'GIT_LEASE_FAILED',
      `The remote branch "${branch}" changed while this push was under way; nothing was pushed.`,
      { data: { branch, reason: text }, permanent: false },
    );
  }
  const workflows = /workflow/i.test(text);
  return new ImagestreamsError(
    'GIT_PUSH_REFUSED',
    `The remote refused the push to "${branch}": ${text || 'no reason given'}` +
      (workflows ? ' (changing .github/workflows needs a token with "workflows: write").' : ''),
    { data: { branch, reason: text }, permanent: true },
  );
}

/** Wraps an HTTP client to count request body bytes (what a push uploads). */
export function countingHttp(http: HttpClient): { http: HttpClient; bytes(): number } {
  let total = 0;
  return {
    bytes: () => total,
    http: {
      request: async (req: GitHttpRequest) => {
        if (!req.body) return http.request(req);
        const chunks: Uint8Array[] = [];
        for await (const c of req.body) {
          total += c.byteLength;
          chunks.push(c);
        }
        return http.request({
          ...req,
          body: (async function* () {
            yield* chunks;
          })(),
        });
      },
    },
  };
}

function short(oid: string | null | undefined): string {
  return oid ? oid.slice(0, 12) : 'no branch';
}
