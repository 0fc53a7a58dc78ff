// Canonical lock bytes: fixed key order, 2-space JSON, trailing newline, history newest first — same state, same bytes.

import type {
  LockTag,
  PendingImage,
  PlatformImage,
  StreamLock,
  TagCondition,
  TagHistoryItem,
  TagSelectionState,
} from './lock.js';
import { platformSortKey } from './platform.js';

type Obj = Record<string, unknown>;

/** Known keys in their fixed order, then any other keys sorted (so a newer field is kept, not dropped). */
function ordered(obj: object, keys: readonly string[]): Obj {
  const src = obj as Obj;
  const out: Obj = {};
  for (const k of keys) if (src[k] !== undefined) out[k] = src[k];
  // Listing and sorting the keys of every object was a third of a no-op's lock serialisation: only an object
  // with a key beyond the known ones needs it.
  if (!hasOther(src, out)) return out;
  for (const k of Object.keys(src).sort()) if (!(k in out) && src[k] !== undefined) out[k] = src[k];
  return out;
}

/** True when `src` has a defined own key that `known` lacks. */
function hasOther(src: Obj, known: Obj): boolean {
  for (const k in src) if (Object.hasOwn(src, k) && !(k in known) && src[k] !== undefined) return true;
  return false;
}

function platform(p: PlatformImage): Obj {
  return ordered(p, ['os', 'architecture', 'variant', 'digest', 'mediaType']);
}

function item(i: TagHistoryItem): Obj {
  const o = ordered(i, [
    'created',
    'dockerImageReference',
    'image',
    'generation',
    'mediaType',
    'index',
    'platforms',
  ]);
  if (i.platforms) {
    o.platforms = [...i.platforms]
      .sort((a, b) =>
        platformSortKey(a) < platformSortKey(b) ? -1 : platformSortKey(a) > platformSortKey(b) ? 1 : 0,
      )
      .map(platform);
  }
  return o;
}

function condition(c: TagCondition): Obj {
  return ordered(c, ['type', 'status', 'reason', 'message', 'lastTransitionTime', 'generation']);
}

function selectionState(s: TagSelectionState): Obj {
  const o = ordered(s, ['policy', 'tag', 'firstSeen']);
  if (s.firstSeen) o.firstSeen = ordered(s.firstSeen, []);
  return o;
}

function pendingImage(p: PendingImage): Obj {
  return ordered(p, [
    'image',
    'dockerImageReference',
    'firstSeen',
    'reason',
    'message',
    'eligibleAt',
    'missingPlatforms',
  ]);
}

function tag(t: LockTag): Obj {
  const o = ordered(t, ['tag', 'spec', 'observedGeneration', 'items', 'conditions', 'selection', 'pending']);
  if (t.selection) o.selection = selectionState(t.selection);
  if (t.pending) o.pending = pendingImage(t.pending);
  // Newest first; a stable sort keeps the given order among items recorded at the same instant.
  o.items =
    t.items.length < 2
      ? t.items.map(item)
      : t.items
          .map((x, i) => ({ x, i, at: Date.parse(x.created) }))
          .sort((a, b) => (b.at || 0) - (a.at || 0) || a.i - b.i)
          .map(({ x }) => item(x));
  if (t.conditions) {
    o.conditions = [...t.conditions]
      .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0))
      .map(condition);
  }
  return o;
}

/** The canonical bytes of a lock. */
export function serializeLock(lock: StreamLock): string {
  const status = ordered(lock.status, ['dockerImageRepository', 'tags']);
  status.tags = [...lock.status.tags].sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0)).map(tag);
  const out = ordered(lock, ['apiVersion', 'kind', 'metadata', 'status']);
  out.metadata = ordered(lock.metadata, ['name', 'namespace']);
  out.status = status;
  return `${JSON.stringify(out, null, 2)}\n`;
}
