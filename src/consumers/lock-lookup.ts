// Read the lock files consumers need and turn them into the PullSpecLookup the planner and verify take.
// A thin adapter: the lock format is src/model/lock.ts; pinning rules are src/plan/pull-spec.ts.

import type { StreamLock } from '../model/lock.js';
import { pullSpecFor } from '../plan/pull-spec.js';
import type { StreamLike } from '../policy/tag-spec.js';
import type { PullSpecLookup } from './index.js';
import type { ConsumerDiagnostic, StreamTagRef } from './types.js';

/** The file-reading part of `node:fs/promises`. */
export interface LockReadFs {
  readFile(path: string): Promise<Uint8Array>;
}

/** Where locks live: `<root>/<lockDir>/<namespace>/<name>.json`. */
export interface LockLocation {
  root: string;
  lockDir: string;
}

/** Repository-relative path of a stream's lock file. */
export function lockPath(lockDir: string, namespace: string, stream: string): string {
  return `${lockDir}/${namespace}/${stream}.json`;
}

/** Read the locks of the given streams (missing files are simply absent; unreadable ones are diagnostics). */
export async function readLocks(
  fs: LockReadFs,
  where: LockLocation,
  refs: readonly Pick<StreamTagRef, 'namespace' | 'stream'>[],
): Promise<{ locks: Map<string, StreamLock>; errors: ConsumerDiagnostic[] }> {
  const locks = new Map<string, StreamLock>();
  const errors: ConsumerDiagnostic[] = [];
  const keys = [...new Set(refs.map((r) => `${r.namespace}/${r.stream}`))].sort();
  await Promise.all(
    keys.map(async (key) => {
      const [ns, name] = key.split('/') as [string, string];
      const rel = lockPath(where.lockDir, ns, name);
      let bytes: Uint8Array;
      try {
        bytes = await fs.readFile(`${where.root}/${rel}`);
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return;
        errors.push({
          code: 'LOCK_UNREADABLE',
          file: rel,
          line: 1,
          message: `cannot read ${rel}: ${(e as Error).message}`,
        });
        return;
      }
      try {
        const lock = JSON.parse(Buffer.from(bytes).toString('utf8')) as StreamLock;
        if (!Array.isArray(lock?.status?.tags)) throw new Error('status.tags is missing');
        locks.set(key, lock);
      } catch (e) {
        errors.push({
          code: 'LOCK_INVALID',
          file: rel,
          line: 1,
          message: `${rel} is not a lock file (${(e as Error).message}); restore it from git or run imagestreams reconcile`,
        });
      }
    }),
  );
  return { locks, errors };
}

/**
 * The pinned pull spec per stream tag, from the locks and (when known) the declarations, whose referencePolicy and
 * `reference` flags decide between upstream, local registry, and pass-through.
 */
export function lockLookup(
  locks: ReadonlyMap<string, StreamLock>,
  streams: ReadonlyMap<string, StreamLike> = new Map(),
  localRegistry?: string,
): PullSpecLookup {
  return (namespace, stream, tag) => {
    const key = `${namespace}/${stream}`;
    const decl = streams.get(key) ?? { metadata: { name: stream, namespace } };
    return pullSpecFor(decl, namespace, locks.get(key), tag, localRegistry);
  };
}
