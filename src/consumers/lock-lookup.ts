// Read the lock files consumers need and turn them into the PullSpecLookup the planner and verify take.
// A thin adapter: reading is src/loader/lock-file.ts, pinning rules are src/plan/pull-spec.ts.

import { lockPath, readLock } from '../loader/lock-file.js';
import { ImagestreamsError } from '../model/errors.js';
import type { StreamLock } from '../model/lock.js';
import { tryParseReference } from '../model/reference.js';
import { type PinFormat, pullSpecFor, sourceTagOf } from '../plan/pull-spec.js';
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

/** Read (and schema-check) the locks of the given streams; missing files are absent, bad ones are diagnostics. */
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
      try {
        const lock = await readLock(fs, where.root, where, ns, name);
        if (lock) locks.set(key, lock);
      } catch (e) {
        if (!(e instanceof ImagestreamsError)) throw e;
        errors.push({ code: e.code, file: lockPath(where, ns, name), line: 1, message: e.message });
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
  pinFormat: PinFormat = 'tag-and-digest',
): PullSpecLookup {
  return (namespace, stream, tag, format = pinFormat) => {
    const key = `${namespace}/${stream}`;
    const decl = streams.get(key) ?? { metadata: { name: stream, namespace } };
    const sourceTag = format === 'digest' ? undefined : sourceTagOf(streams, namespace, stream, tag);
    const spec = pullSpecFor(decl, namespace, locks.get(key), tag, localRegistry, {
      pinFormat: format,
      ...(sourceTag ? { sourceTag } : {}),
    });
    // The value goes into Dockerfile lines and YAML scalars: only a well-formed reference is ever written.
    return spec !== undefined && 'ref' in tryParseReference(spec) ? spec : undefined;
  };
}
