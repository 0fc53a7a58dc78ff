// Builders of the values many tests need: digests, lock history items and whole locks. One home, so a change of
// the lock format is made once for every test.

import type { LockTag, StreamLock, TagHistoryItem } from '../../src/model/lock.js';

/** A sha256 digest made of hex character `c` repeated (`digest('a')` → `sha256:aaaa…`). */
export const digest = (c: string): string => `sha256:${c.repeat(64)}`;

/** The `n`-th distinct sha256 digest (hex of `n`, zero-padded), for tests that need many. */
export const nthDigest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;

/** A lock history item: `repo` pinned at digest `image`. */
export function historyItem(
  repo: string,
  image: string,
  created = '2026-01-01T00:00:00Z',
  generation = 1,
): TagHistoryItem {
  return { created, dockerImageReference: `${repo}@${image}`, image, generation };
}

/**
 * The lock of stream `namespace/name`; `tags` as lock tags, or as tag → history items (in that order).
 */
export function streamLock(
  namespace: string,
  name: string,
  tags: LockTag[] | Record<string, TagHistoryItem[]>,
): StreamLock {
  return {
    apiVersion: 'imagestreams.dev/v1alpha1',
    kind: 'ImageStreamLock',
    metadata: { name, namespace },
    status: {
      tags: Array.isArray(tags) ? tags : Object.entries(tags).map(([tag, items]) => ({ tag, items })),
    },
  };
}
