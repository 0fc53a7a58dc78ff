// The daemon's per-tag schedule (pure): every scheduled tag is due once per interval at a stable offset derived
// from a hash of its key, so a thousand tags spread over the interval instead of firing together; and at most
// N imports start in any sliding minute (tags over the budget wait for the next free slot, oldest first).

import { createHash } from 'node:crypto';

/** Settings of the schedule. */
export interface ScheduleOptions {
  intervalMs: number;
  /** Imports allowed per sliding 60 s window (scheduled ones wait; others are only counted). */
  maxPerMinute: number;
}

/** What `take` hands out: the keys due now (within budget) and when to look again. */
export interface ScheduleTake {
  due: string[];
  /** Epoch ms of the next moment something can become due (a slot, or budget freeing up). */
  wakeAt: number;
  /** Keys that are due but wait for rate-limit budget. */
  waiting: number;
}

const WINDOW_MS = 60_000;

/** A tag's offset within the interval: stable across restarts and machines (sha256 of the key). */
export function tagOffset(key: string, intervalMs: number): number {
  const h = createHash('sha256').update(key).digest();
  return h.readUIntBE(0, 6) % intervalMs;
}

/** The latest due time at or before `t` for a tag with offset `off`. */
export function latestSlot(t: number, off: number, intervalMs: number): number {
  const r = (((t - off) % intervalMs) + intervalMs) % intervalMs;
  return t - r;
}

/** The schedule's interface, for injection. */
export interface Schedule {
  /** Changes interval or rate (offsets are recomputed; what was taken stays taken). */
  configure(next: ScheduleOptions): void;
  options(): ScheduleOptions;
  /** The scheduled tags now declared; new ones wait for their next slot, removed ones are forgotten. */
  setTags(keys: Iterable<string>, now: number): void;
  /** Counts imports made for other reasons (new tags, webhooks) against the minute's budget. */
  record(n: number, now: number): void;
  /** Hands out the tags due at `now`, oldest slot first, within the budget; they count as imported now. */
  take(now: number): ScheduleTake;
  /** When `take` would next hand something out (now, if something is due and budget is left). */
  peek(now: number): number;
  /** Tags the schedule knows. */
  size(): number;
}

/** Creates a schedule; `now` is the start time (tags known at start are first due at their next slot). */
export function createSchedule(initial: ScheduleOptions): Schedule {
  let opts = { ...initial };
  const offsets = new Map<string, number>();
  /** key → the slot time it was last handed out for. */
  const taken = new Map<string, number>();
  const window: { t: number; n: number }[] = [];

  const prune = (now: number) => {
    while (window.length > 0 && window[0]!.t <= now - WINDOW_MS) window.shift();
  };
  const used = (now: number) => {
    prune(now);
    return window.reduce((n, w) => n + w.n, 0);
  };
  const offsetOf = (key: string) => {
    let o = offsets.get(key);
    if (o === undefined) {
      o = tagOffset(key, opts.intervalMs);
      offsets.set(key, o);
    }
    return o;
  };

  function plan(now: number, commit: boolean): ScheduleTake {
    const pending: { key: string; slot: number }[] = [];
    let nextSlot = Number.POSITIVE_INFINITY;
    for (const [key, last] of taken) {
      const slot = latestSlot(now, offsetOf(key), opts.intervalMs);
      if (slot > last) pending.push({ key, slot });
      else nextSlot = Math.min(nextSlot, slot + opts.intervalMs);
    }
    pending.sort((a, b) => a.slot - b.slot || (a.key < b.key ? -1 : 1));
    const budget = Math.max(0, opts.maxPerMinute - used(now));
    const due = pending.slice(0, budget);
    for (const d of due) nextSlot = Math.min(nextSlot, d.slot + opts.intervalMs);
    if (commit) {
      for (const d of due) taken.set(d.key, d.slot);
      if (due.length > 0) window.push({ t: now, n: due.length });
    }
    const waiting = pending.length - due.length;
    let wakeAt = nextSlot;
    // Over budget: the budget frees when the oldest import in the window leaves it.
    if (waiting > 0) wakeAt = Math.min(wakeAt, (window[0]?.t ?? now) + WINDOW_MS);
    return { due: due.map((d) => d.key), wakeAt: Math.max(wakeAt, now + 1), waiting };
  }

  return {
    /** Changes interval or rate (offsets are recomputed; what was taken stays taken). */
    configure(next: ScheduleOptions): void {
      if (next.intervalMs !== opts.intervalMs) offsets.clear();
      opts = { ...next };
    },
    options: (): ScheduleOptions => ({ ...opts }),
    /** The scheduled tags now declared; new ones wait for their next slot, removed ones are forgotten. */
    setTags(keys: Iterable<string>, now: number): void {
      const keep = new Set(keys);
      for (const k of [...taken.keys()]) if (!keep.has(k)) taken.delete(k);
      for (const k of keep) {
        if (!taken.has(k)) taken.set(k, latestSlot(now, offsetOf(k), opts.intervalMs));
      }
    },
    /** Counts imports made for other reasons (new tags, webhooks) against the minute's budget. */
    record(n: number, now: number): void {
      if (n > 0) window.push({ t: now, n });
    },
    /** Hands out the tags due at `now`, oldest slot first, within the budget; they count as imported now. */
    take(now: number): ScheduleTake {
      return plan(now, true);
    },
    /** When `take` would next hand something out (now, if something is due and budget is left). */
    peek(now: number): number {
      const p = plan(now, false);
      return p.due.length > 0 ? now : p.wakeAt;
    },
    /** Tags the schedule knows. */
    size: () => taken.size,
  };
}
