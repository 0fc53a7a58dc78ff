// Tag history: a new digest pushes an item, the same digest changes nothing, failures keep the last good item.

import type { LockTag, TagCondition, TagHistoryItem } from '../model/lock.js';

/** What an import (or a follow/pin) produced for a tag. */
export type TagOutcome =
  | { ok: true; item: Omit<TagHistoryItem, 'created' | 'generation'> }
  | { ok: false; reason: string; message: string };

/** The result of applying an outcome: the new lock tag and what kind of change it was, if any. */
export interface AppliedOutcome {
  tag: LockTag;
  change?: 'new' | 'moved' | 'failed';
}

/** Apply an outcome to a tag's lock state; pure, returns a new object. */
export function applyOutcome(
  prev: LockTag | undefined,
  name: string,
  outcome: TagOutcome,
  ctx: {
    now: string;
    generation: number;
    spec?: string;
    observedGeneration?: number | null;
    historyLimit: number;
  },
): AppliedOutcome {
  const items = prev?.items ?? [];
  const base: LockTag = { tag: name, items };
  if (ctx.spec !== undefined) base.spec = ctx.spec;
  if (ctx.observedGeneration !== undefined) base.observedGeneration = ctx.observedGeneration;
  else if (prev?.observedGeneration !== undefined) base.observedGeneration = prev.observedGeneration;
  if (!outcome.ok) {
    const cond: TagCondition = {
      type: 'ImportSuccess',
      status: 'False',
      reason: outcome.reason,
      message: outcome.message,
      lastTransitionTime: ctx.now,
      generation: ctx.generation,
    };
    const old = prev?.conditions?.find((c) => c.type === 'ImportSuccess');
    // Same failure again: keep the first transition time so a no-op failing run writes nothing new.
    if (old && old.status === 'False' && old.reason === cond.reason && old.message === cond.message) {
      cond.lastTransitionTime = old.lastTransitionTime;
      cond.generation = old.generation;
    }
    // A failed import never records the spec as imported: keep the previous hash so it stays due.
    const failed: LockTag = { tag: name, items };
    if (prev?.spec !== undefined) failed.spec = prev.spec;
    if (prev?.observedGeneration !== undefined) failed.observedGeneration = prev.observedGeneration;
    failed.conditions = [cond];
    const same = old && old.lastTransitionTime === cond.lastTransitionTime;
    return same ? { tag: failed } : { tag: failed, change: 'failed' };
  }
  const current = items[0];
  if (current && sameImage(current, outcome.item)) {
    // Same digest again: nothing changes except clearing an earlier failure.
    return { tag: base };
  }
  const item: TagHistoryItem = { created: ctx.now, ...outcome.item, generation: ctx.generation };
  const next = [
    item,
    ...items.filter((i) => i.image !== item.image || i.dockerImageReference !== item.dockerImageReference),
  ];
  base.items = next.slice(0, Math.max(1, ctx.historyLimit));
  return { tag: base, change: current ? 'moved' : 'new' };
}

function sameImage(a: TagHistoryItem, b: Omit<TagHistoryItem, 'created' | 'generation'>): boolean {
  return a.image === b.image && a.dockerImageReference === b.dockerImageReference;
}

/** Find an image in a stream's history by digest or unambiguous digest prefix (`sha256:abc…` or `abc…`). */
export function findInHistory(
  tags: LockTag[],
  digestOrPrefix: string,
): { item: TagHistoryItem } | { error: 'not-found' | 'ambiguous'; candidates: string[] } {
  const wanted = digestOrPrefix.includes(':') ? digestOrPrefix : `sha256:${digestOrPrefix}`;
  const found = new Map<string, TagHistoryItem>();
  for (const t of tags) {
    for (const i of t.items) {
      if (i.image.startsWith(wanted) && !found.has(i.image)) found.set(i.image, i);
    }
  }
  if (found.size === 1) return { item: [...found.values()][0]! };
  return { error: found.size === 0 ? 'not-found' : 'ambiguous', candidates: [...found.keys()] };
}
