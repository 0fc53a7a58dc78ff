// Which tags of a stream were republished (a release-named tag such as `1.2.3` whose digest moved while its source
// stayed the same), and a stream's lock with only some tags taken from the desired side: publishing proposes each
// republished tag in a pull request of its own and everything else in the group's. Pure.

import type { LockTag, StreamLock } from '../model/lock.js';
import { looksImmutable } from '../render/republished.js';

function tagOf(lock: StreamLock | undefined, tag: string): LockTag | undefined {
  return lock?.status.tags.find((t) => t.tag === tag);
}

/**
 * Tags of `work` named like a release whose newest digest differs from `base`'s, with the same source (lock `spec`)
 * and the same policy choice, and that do not go back to a digest the base had before (a rollback): the image was
 * republished under the same version. Sorted.
 */
export function republishedTagNames(base: StreamLock | undefined, work: StreamLock | undefined): string[] {
  if (!base || !work) return [];
  const out: string[] = [];
  for (const t of work.status.tags) {
    if (!looksImmutable(t.tag)) continue;
    const b = tagOf(base, t.tag);
    const now = t.items[0];
    const was = b?.items[0];
    if (!b || !now || !was || now.image === was.image) continue;
    if (b.items.slice(1).some((i) => i.image === now.image)) continue;
    if ((b.spec ?? '') !== (t.spec ?? '') || b.selection?.tag !== t.selection?.tag) continue;
    out.push(t.tag);
  }
  return out.sort();
}

/** Every tag named like a release in either lock (sorted): the tags that may have a republished pull request. */
export function releaseNamedTags(base: StreamLock | undefined, work: StreamLock | undefined): string[] {
  const names = new Set<string>();
  for (const l of [base, work])
    for (const t of l?.status.tags ?? []) if (looksImmutable(t.tag)) names.add(t.tag);
  return [...names].sort();
}

/**
 * `work` with the tags `fromWork` rejects set back to `base`'s entry (left out where the base lacks them): the
 * lock of a branch that proposes only some of a stream's tags.
 */
export function mixLock(
  base: StreamLock | undefined,
  work: StreamLock,
  fromWork: (tag: string) => boolean,
): StreamLock {
  const tags: LockTag[] = [];
  const names = new Set([
    ...work.status.tags.map((t) => t.tag),
    ...(base?.status.tags ?? []).map((t) => t.tag),
  ]);
  for (const name of names) {
    const t = fromWork(name) ? tagOf(work, name) : tagOf(base, name);
    if (t) tags.push(t);
  }
  return { ...work, status: { ...work.status, tags } };
}
