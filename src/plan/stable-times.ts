// Keep first-seen times stable while a bump is proposed: an image already on the open PR branch keeps the
// `created` time (and generation) it had there, so a run where nothing new happened rewrites no branch.

import type { StreamLock } from '../model/lock.js';

/** `next` with items that the proposed lock already had taking their recorded created/generation (pure). */
export function keepProposedTimes(
  next: StreamLock,
  proposed: StreamLock | undefined,
  now: string,
): StreamLock {
  if (!proposed) return next;
  const proposedTags = new Map(proposed.status.tags.map((t) => [t.tag, t]));
  let changed = false;
  const tags = next.status.tags.map((t) => {
    const p = proposedTags.get(t.tag);
    if (!p) return t;
    const items = t.items.map((i) => {
      if (i.created !== now) return i;
      const seen = p.items.find(
        (x) => x.image === i.image && x.dockerImageReference === i.dockerImageReference,
      );
      if (!seen || seen.created === i.created) return i;
      changed = true;
      return { ...i, created: seen.created, generation: seen.generation };
    });
    return { ...t, items };
  });
  return changed ? { ...next, status: { ...next.status, tags } } : next;
}
