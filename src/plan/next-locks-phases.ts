// The three phases of computeNextLocks, each a named step over one shared builder: registry imports, then
// ImageStreamImage pins (looked up in the named stream's history), then followers in dependency order, and last
// the assembly of each stream's lock in canonical order. Pure.

import { LOCK_API_VERSION, LOCK_KIND, type LockTag, lockTagIndex, type StreamLock } from '../model/lock.js';
import { type AppliedOutcome, applyOutcome, findInHistory, type TagOutcome } from '../policy/history.js';
import {
  followTarget,
  imageTarget,
  isImportable,
  specKey,
  type TagSpecLike,
  tagKey,
} from '../policy/tag-spec.js';
import type { StreamChange, TagChange } from './changes.js';
import type { NextLocks, NextLocksContext, StreamState } from './next-locks.js';

/** `namespace/name`: how streams are keyed. */
export const streamId = (ns: string, name: string) => `${ns}/${name}`;

/** The declared tags of a stream. */
export function tagsOf(s: Pick<StreamState, 'object'>): TagSpecLike[] {
  return s.object.spec?.tags ?? [];
}

/** What the phases build up: the next lock tag and the change of every tag key, and the declarations by key. */
export interface LockBuilder {
  streams: StreamState[];
  ctx: NextLocksContext;
  byId: Map<string, StreamState>;
  specOf: Map<string, { s: StreamState; t: TagSpecLike }>;
  /** tagKey → the tag's next lock entry. */
  next: Map<string, LockTag>;
  changeOf: Map<string, TagChange>;
  /** A stream's current lock entry of a tag (each lock indexed once, on first use). */
  prevTag: (s: StreamState, tag: string) => LockTag | undefined;
}

/** An empty builder over the declared streams. */
export function lockBuilder(streams: StreamState[], ctx: NextLocksContext): LockBuilder {
  const specOf = new Map<string, { s: StreamState; t: TagSpecLike }>();
  for (const s of streams)
    for (const t of tagsOf(s)) specOf.set(tagKey(s.namespace, s.name, t.name), { s, t });
  const byId = new Map(streams.map((s) => [streamId(s.namespace, s.name), s]));
  const indexes = new Map<StreamState, ReturnType<typeof lockTagIndex>>();
  const prevTag = (s: StreamState, tag: string) => {
    let index = indexes.get(s);
    if (!index) {
      index = lockTagIndex(s.lock);
      indexes.set(s, index);
    }
    return index(tag);
  };
  return { streams, ctx, byId, specOf, next: new Map(), changeOf: new Map(), prevTag };
}

/** Record a tag's next lock entry and, when it changed, the change (a pin back to an older image is a rollback). */
function record(b: LockBuilder, key: string, s: StreamState, t: TagSpecLike, applied: AppliedOutcome): void {
  b.next.set(key, applied.tag);
  if (!applied.change) return;
  const prev = b.prevTag(s, t.name);
  const change: TagChange = {
    namespace: s.namespace,
    stream: s.name,
    tag: t.name,
    kind: applied.change,
    source: t.from!.name,
  };
  if (applied.change === 'failed') {
    const c = applied.tag.conditions?.[0];
    if (c) change.error = { reason: c.reason, message: c.message };
  } else {
    const to = applied.tag.items[0];
    if (to) change.to = to;
    const from = prev?.items[0];
    if (from) change.from = from;
    if (t.from?.kind === 'ImageStreamImage' && to && prev?.items.slice(1).some((i) => i.image === to.image)) {
      change.kind = 'rollback';
    }
  }
  b.changeOf.set(key, change);
}

function generationOf(t: TagSpecLike, prev: LockTag | undefined, changed: boolean): number {
  if (typeof t.generation === 'number') return t.generation;
  const last = prev?.items[0]?.generation ?? 0;
  return changed || !prev ? last + 1 : last;
}

/** Apply an outcome to a tag's lock entry and record it. */
function settle(
  b: LockBuilder,
  key: string,
  s: StreamState,
  t: TagSpecLike,
  outcome: TagOutcome,
): AppliedOutcome {
  const prev = b.prevTag(s, t.name);
  const spec = specKey(t, b.ctx.defaultImportMode);
  const applied = applyOutcome(prev, t.name, outcome, {
    now: b.ctx.now,
    generation: generationOf(t, prev, prev?.spec !== spec),
    spec,
    observedGeneration: outcome.ok ? (t.generation ?? null) : undefined,
    historyLimit: b.ctx.historyLimit,
  });
  record(b, key, s, t, applied);
  return applied;
}

/** Phase 1: registry imports (or the unchanged lock for tags not due). */
export function applyImports(b: LockBuilder, outcomes: ReadonlyMap<string, TagOutcome>): void {
  for (const s of b.streams) {
    for (const t of tagsOf(s)) {
      const key = tagKey(s.namespace, s.name, t.name);
      if (!isImportable(t)) continue;
      const outcome = outcomes.get(key);
      if (outcome) settle(b, key, s, t, outcome);
      else {
        const prev = b.prevTag(s, t.name);
        if (prev) b.next.set(key, prev);
      }
    }
  }
}

/** Phase 2: ImageStreamImage pins, looked up in the target stream's history (new and previous items). */
export function applyPins(b: LockBuilder): NextLocks['failedPins'] {
  const failedPins: NextLocks['failedPins'] = [];
  for (const s of b.streams) {
    for (const t of tagsOf(s)) {
      if (t.from?.kind !== 'ImageStreamImage' || t.reference) continue;
      const key = tagKey(s.namespace, s.name, t.name);
      const outcome = pinOutcome(b, s, t.from);
      if (!outcome.ok) failedPins.push({ key, reason: outcome.reason, message: outcome.message });
      settle(b, key, s, t, outcome);
    }
  }
  return failedPins;
}

function pinOutcome(
  b: LockBuilder,
  s: StreamState,
  from: { name: string; namespace?: string | null },
): TagOutcome {
  const target = imageTarget(s.namespace, from);
  if (!target)
    return { ok: false, reason: 'InvalidImageName', message: `"${from.name}" is not stream@digest` };
  const id = streamId(target.namespace, target.stream);
  const found = findInHistory(historyTags(b.byId.get(id), b.next), target.digest);
  if ('item' in found) return { ok: true, item: stripItem(found.item) };
  return {
    ok: false,
    reason: found.error === 'ambiguous' ? 'AmbiguousImage' : 'NotFound',
    message:
      found.error === 'ambiguous'
        ? `digest prefix ${target.digest} matches ${found.candidates.length} images in ${id}; give more characters`
        : `no image ${target.digest} in the history of ${id}`,
  };
}

/** Phase 3: followers, resolved depth-first so a chain of any length settles in this run. */
export function applyFollowers(b: LockBuilder): void {
  const visiting = new Set<string>();
  const resolve = (key: string): LockTag | undefined => {
    if (b.next.has(key)) return b.next.get(key);
    const entry = b.specOf.get(key);
    if (!entry) return undefined;
    const { s, t } = entry;
    if (t.from?.kind !== 'ImageStreamTag' || t.reference) return b.prevTag(s, t.name);
    if (visiting.has(key)) return undefined;
    visiting.add(key);
    const target = followTarget(s.namespace, s.name, t.from);
    const targetKey = target ? tagKey(target.namespace, target.stream, target.tag) : undefined;
    const current = (targetKey ? resolve(targetKey) : undefined)?.items[0];
    visiting.delete(key);
    let outcome: TagOutcome;
    if (current) outcome = { ok: true, item: stripItem(current) };
    else if (!targetKey || !b.specOf.has(targetKey)) {
      outcome = { ok: false, reason: 'NotFound', message: `followed tag ${t.from.name} does not exist` };
    } else {
      outcome = { ok: false, reason: 'NotImported', message: `followed tag ${targetKey} has no image yet` };
    }
    const applied = settle(b, key, s, t, outcome);
    const change = b.changeOf.get(key);
    if (change && targetKey) change.follows = targetKey;
    return applied.tag;
  };
  for (const [key, { t }] of b.specOf) {
    if (t.from?.kind === 'ImageStreamTag' && !t.reference) resolve(key);
  }
}

/** Assemble each stream's lock in spec order (tags sorted by name for canonical output) and its changes. */
export function assembleLocks(b: LockBuilder): Pick<NextLocks, 'locks' | 'changes'> {
  const locks = new Map<string, StreamLock>();
  const changes: StreamChange[] = [];
  for (const s of b.streams) {
    const tags: LockTag[] = [];
    for (const t of tagsOf(s)) {
      const lt = b.next.get(tagKey(s.namespace, s.name, t.name));
      if (lt) tags.push(lt);
    }
    tags.sort((x, y) => (x.tag < y.tag ? -1 : x.tag > y.tag ? 1 : 0));
    const lock: StreamLock = {
      apiVersion: LOCK_API_VERSION,
      kind: LOCK_KIND,
      metadata: { name: s.name, namespace: s.namespace },
      status: { tags },
    };
    if (b.ctx.localRegistry)
      lock.status.dockerImageRepository = `${b.ctx.localRegistry}/${s.namespace}/${s.name}`;
    locks.set(streamId(s.namespace, s.name), lock);
    const tagChanges = tagsOf(s)
      .map((t) => b.changeOf.get(tagKey(s.namespace, s.name, t.name)))
      .filter((c): c is TagChange => c !== undefined);
    if (tagChanges.length > 0) {
      changes.push({ namespace: s.namespace, stream: s.name, lockFile: s.lockFile, tags: tagChanges });
    }
  }
  return { locks, changes };
}

function historyTags(s: StreamState | undefined, next: Map<string, LockTag>): LockTag[] {
  if (!s) return [];
  const out: LockTag[] = [];
  for (const t of tagsOf(s)) {
    const n = next.get(tagKey(s.namespace, s.name, t.name));
    if (n) out.push(n);
  }
  for (const t of s.lock?.status.tags ?? []) out.push(t);
  return out;
}

function stripItem(i: LockTag['items'][number]) {
  const { created: _c, generation: _g, ...rest } = i;
  return rest;
}
