// Lock files as they were at a commit, read from git objects (isomorphic-git) without touching the work tree:
// what `dispatch` compares to find the tags a push moved.

import git from 'isomorphic-git';
import { parseLock } from '../loader/lock-file.js';
import { ImagestreamsError } from '../model/errors.js';
import type { StreamLock } from '../model/lock.js';
import type { GitFs } from './repo.js';

/** The all-zero SHA GitHub sends as `before` for a new branch (and as `after` for a deleted one). */
export const ZERO_SHA = '0000000000000000000000000000000000000000';

/** Locks found at a commit, and the lock files that did not parse (path → error). */
export interface LocksAtCommit {
  commit: string;
  locks: StreamLock[];
  errors: ImagestreamsError[];
}

function isNotFound(e: unknown): boolean {
  return (e as { code?: string })?.code === 'NotFoundError';
}

/**
 * Resolves a commit given as a full SHA, an abbreviated SHA or a ref name. A missing commit is an error that
 * names the usual cause: a shallow checkout (actions/checkout's default depth 1).
 */
export async function resolveCommit(opts: { fs: GitFs; dir: string; ref: string }): Promise<string> {
  const { fs, dir, ref } = opts;
  try {
    await git.findRoot({ fs, filepath: dir });
  } catch {
    throw new ImagestreamsError(
      'GIT_NOT_A_REPOSITORY',
      `${dir} is not inside a git repository; run imagestreams dispatch in the checkout (actions/checkout).`,
      { data: { dir }, permanent: true },
    );
  }
  let oid: string | undefined;
  try {
    if (/^[0-9a-f]{4,40}$/i.test(ref)) oid = await git.expandOid({ fs, dir, oid: ref.toLowerCase() });
  } catch (e) {
    if (!isNotFound(e) && (e as { code?: string })?.code !== 'AmbiguousError') throw e;
  }
  if (!oid) {
    try {
      oid = await git.resolveRef({ fs, dir, ref });
    } catch {
      // handled below
    }
  }
  if (oid) {
    try {
      await git.readCommit({ fs, dir, oid });
      return oid;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  throw new ImagestreamsError(
    'GIT_COMMIT_MISSING',
    `commit ${ref} is not in the repository at ${dir}. In GitHub Actions check out enough history: ` +
      '`actions/checkout` with `fetch-depth: 0` (or at least 2 when every push is one merge or squash commit).',
    { data: { ref, dir }, permanent: true },
  );
}

/**
 * Every `<lockDir>/<namespace>/<name>.json` in `commit`'s tree, parsed and schema-checked. A lock that does not
 * parse is reported in `errors` (the others are still returned); a missing lockDir means no locks.
 */
export async function readLocksAtCommit(opts: {
  fs: GitFs;
  dir: string;
  commit: string;
  lockDir: string;
}): Promise<LocksAtCommit> {
  const { fs, dir, commit } = opts;
  const lockDir = opts.lockDir.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  const out: LocksAtCommit = { commit, locks: [], errors: [] };
  let top: Awaited<ReturnType<typeof git.readTree>>;
  try {
    top = await git.readTree({ fs, dir, oid: commit, filepath: lockDir });
  } catch (e) {
    if (isNotFound(e) || (e as { code?: string })?.code === 'ObjectTypeError') return out;
    throw e;
  }
  for (const ns of top.tree) {
    if (ns.type !== 'tree') continue;
    const { tree } = await git.readTree({ fs, dir, oid: ns.oid });
    for (const f of tree) {
      if (f.type !== 'blob' || !f.path.endsWith('.json')) continue;
      const path = `${lockDir}/${ns.path}/${f.path}`;
      const { blob } = await git.readBlob({ fs, dir, oid: f.oid });
      try {
        out.locks.push(parseLock(blob, path));
      } catch (e) {
        if (!(e instanceof ImagestreamsError)) throw e;
        out.errors.push(
          new ImagestreamsError(e.code, `at ${commit.slice(0, 7)}: ${e.message}`, {
            data: { ...e.data, commit },
            cause: e,
          }),
        );
      }
    }
  }
  return out;
}
