// Which stream tags moved between two lock states: the input of every post-merge dispatch.

import type { StreamLock, TagHistoryItem } from '../model/lock.js';

/** One tag whose current image differs between two lock states (old is absent for a new tag). */
export interface MovedTag {
  namespace: string;
  stream: string;
  tag: string;
  /** The previous current item (items[0]); undefined when the tag (or its lock) did not exist before. */
  old?: TagHistoryItem;
  /** The current item now. */
  new: TagHistoryItem;
}

/** A moved tag as outputs and dispatch payloads name it: who, and the old and new digests. */
export function movedTagFields(m: MovedTag) {
  return {
    namespace: m.namespace,
    stream: m.stream,
    tag: m.tag,
    old: m.old?.image ?? null,
    new: m.new.image,
    dockerImageReference: m.new.dockerImageReference,
  };
}

function key(l: StreamLock): string {
  return `${l.metadata.namespace}/${l.metadata.name}`;
}

/**
 * Tags whose current image (`items[0].image`) differs between `before` and `after`, sorted by namespace, stream
 * and tag. A tag new in `after` counts as moved (old undefined); a tag that lost its lock or its items does not
 * (there is no new image to announce). `before` undefined means "no previous state": every tag is new.
 */
export function movedTags(
  before: readonly StreamLock[] | undefined,
  after: readonly StreamLock[],
): MovedTag[] {
  const prev = new Map<string, Map<string, TagHistoryItem>>();
  for (const l of before ?? []) {
    const tags = new Map<string, TagHistoryItem>();
    for (const t of l.status.tags) if (t.items[0]) tags.set(t.tag, t.items[0]);
    prev.set(key(l), tags);
  }
  const out: MovedTag[] = [];
  for (const l of after) {
    const old = prev.get(key(l));
    for (const t of l.status.tags) {
      const now = t.items[0];
      if (!now) continue;
      const was = old?.get(t.tag);
      if (was && was.image === now.image) continue;
      out.push({
        namespace: l.metadata.namespace,
        stream: l.metadata.name,
        tag: t.tag,
        ...(was ? { old: was } : {}),
        new: now,
      });
    }
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.stream, b.stream) || cmp(a.tag, b.tag));
}
