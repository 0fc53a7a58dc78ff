// Soak (`imagestreams.dev/minimum-age`): a tag's new digest is proposed only after this reconciler has seen it
// for the configured time. The age comes from a first-seen ledger in the lock (`pending`: the digest held back and
// when it was first seen), never from the image's `created`, which the publisher writes. Pure: outcomes and locks
// in, the outcomes to apply and the pending records out. (Durations take days and weeks here, unlike the daemon's
// interval syntax in src/daemon/duration.ts, which the core may not import.)

import { type LockTag, lockTagIndex, type PendingImage, type StreamLock } from '../model/lock.js';
import type { TagOutcome } from './history.js';

/** The tag annotation that sets a soak time, e.g. `72h`, `3d`, `1w`, `1d12h`. */
export const MINIMUM_AGE = 'imagestreams.dev/minimum-age';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds of an age such as `72h` or `1d12h`; undefined when the text is not one. */
export function parseAge(text: string): number | undefined {
  const t = text.trim();
  if (!/^(\d+[smhdw])+$/.test(t)) return undefined;
  let ms = 0;
  for (const m of t.matchAll(/(\d+)([smhdw])/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms > 0 ? ms : undefined;
}

/** A stream tag as the soak gate sees it. */
export interface SoakTag {
  key: string;
  annotations?: Record<string, string> | null;
  lock?: LockTag;
}

/** RFC 3339 in UTC without milliseconds. */
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Hold back every new digest that has not soaked long enough: its outcome is removed (the lock keeps the current
 * image) and a pending record says since when it was seen and when it becomes eligible. A first import is never
 * held (there is no image to keep). Returns the pending records by tag key, and the keys whose pending record is
 * settled (the digest was let through, or upstream went back to the locked one).
 */
export function holdSoaking(
  tags: readonly SoakTag[],
  outcomes: Map<string, TagOutcome>,
  now: string,
): { pending: Map<string, PendingImage>; settled: Set<string> } {
  const pending = new Map<string, PendingImage>();
  const settled = new Set<string>();
  const nowMs = Date.parse(now);
  for (const t of tags) {
    const age = parseAge(t.annotations?.[MINIMUM_AGE] ?? '');
    const outcome = outcomes.get(t.key);
    const current = t.lock?.items[0];
    if (age === undefined || !outcome?.ok || !current) continue;
    if (outcome.item.image === current.image) {
      if (t.lock?.pending) settled.add(t.key);
      continue;
    }
    const seen =
      t.lock?.pending?.reason === 'Soaking' && t.lock.pending.image === outcome.item.image
        ? t.lock.pending.firstSeen
        : now;
    const eligible = Date.parse(seen) + age;
    if (nowMs >= eligible) {
      settled.add(t.key);
      continue;
    }
    outcomes.delete(t.key);
    pending.set(t.key, {
      image: outcome.item.image,
      dockerImageReference: outcome.item.dockerImageReference,
      firstSeen: seen,
      reason: 'Soaking',
      eligibleAt: iso(eligible),
      message: `first seen ${seen}; ${MINIMUM_AGE} ${t.annotations?.[MINIMUM_AGE]} makes it eligible at ${iso(eligible)}`,
    });
  }
  return { pending, settled };
}

/** Write the pending records into the next locks (new tag objects) and drop settled ones. */
export function recordPending(
  locks: Map<string, StreamLock>,
  soak: { pending: ReadonlyMap<string, PendingImage>; settled: ReadonlySet<string> },
  keyOf: (lock: StreamLock, tag: string) => string,
): void {
  if (soak.pending.size === 0 && soak.settled.size === 0) return;
  for (const lock of locks.values()) {
    lock.status.tags = lock.status.tags.map((lt) => {
      const key = keyOf(lock, lt.tag);
      const p = soak.pending.get(key);
      if (p) return { ...lt, pending: p };
      if (soak.settled.has(key) && lt.pending) {
        const { pending: _p, ...rest } = lt;
        return rest;
      }
      return lt;
    });
  }
}

/** The tags of declared streams with their locks, keyed as imports are (`ns/stream:tag`). */
export function soakTags(
  streams: readonly {
    namespace: string;
    name: string;
    object: {
      spec?: {
        tags?: readonly { name: string; annotations?: Record<string, string> | null }[] | null;
      } | null;
    };
    lock?: StreamLock;
  }[],
): SoakTag[] {
  return streams.flatMap((s) => {
    const lockTag = lockTagIndex(s.lock);
    return (s.object.spec?.tags ?? []).map((t) => {
      const lock = lockTag(t.name);
      return {
        key: `${s.namespace}/${s.name}:${t.name}`,
        annotations: t.annotations ?? null,
        ...(lock ? { lock } : {}),
      };
    });
  });
}
