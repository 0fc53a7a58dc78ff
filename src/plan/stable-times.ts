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
      // Only the image the branch proposes now: an older one of its history coming back (upstream went back) is
      // seen anew, or its old time would sort it under the image it replaces and undo the move.
      const seen = p.items[0];
      if (!seen || seen.image !== i.image || seen.dockerImageReference !== i.dockerImageReference) return i;
      if (seen.created === i.created) return i;
      changed = true;
      return { ...i, created: seen.created, generation: seen.generation };
    });
    return { ...t, items };
  });
  return changed ? { ...next, status: { ...next.status, tags } } : next;
}
