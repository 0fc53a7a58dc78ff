// What waits for the daemon's next run: the start-up pass, a periodic refresh, scheduled tags and pushed images.
// Triggers that arrive during a run coalesce here; the run takes them all at once.

import type { Logger } from '../util/logger.js';
import type { Metrics } from './metrics.js';
import type { PushedImage } from './webhooks.js';

/** Why a run happens, in priority order for the runs_total label. */
export type Trigger = 'startup' | 'webhook' | 'schedule';

/** Everything one run handles. */
export interface Batch {
  startup: boolean;
  /** A periodic pass with nothing scheduled (picks up new and changed tags from git). */
  refresh: boolean;
  scheduled: Set<string>;
  /** Pushed images some tag imports, by `host/path:tag` (insertion order: oldest first). */
  pushes: Map<string, PushedImage>;
}

/** The trigger a batch is counted under. */
export function triggerOf(b: Batch): Trigger {
  return b.startup ? 'startup' : b.pushes.size > 0 ? 'webhook' : 'schedule';
}

/** The pending batch, with a cap on queued pushes. */
export interface TriggerQueue {
  /** Anything waits for a run. */
  hasPending(): boolean;
  /** Takes everything waiting; the queue is empty afterwards. */
  take(): Batch;
  /** Asks for the start-up pass. */
  markStartup(): void;
  /** Asks for a periodic refresh pass. */
  markRefresh(): void;
  /** Adds tags whose schedule is due. */
  addScheduled(keys: Iterable<string>): void;
  /** Adds pushed images: a repeat moves to the back, the oldest go beyond the cap (counted). */
  enqueue(pushes: Iterable<[string, PushedImage]>): void;
  /** Puts a failed run's batch back in front of what arrived meanwhile. */
  requeue(b: Batch): void;
  /** The pushed images waiting, oldest first. */
  pushes(): PushedImage[];
  /** How many pushed images wait. */
  pushCount(): number;
}

const emptyBatch = (): Batch => ({
  startup: false,
  refresh: false,
  scheduled: new Set(),
  pushes: new Map(),
});

/** Creates the queue; `maxQueued` caps the distinct pushed images kept. */
export function createTriggerQueue(o: { maxQueued: number; metrics: Metrics; logger: Logger }): TriggerQueue {
  const { maxQueued, metrics, logger } = o;
  let pending = emptyBatch();
  /** The queue-full warning was logged since the queue was last taken. */
  let warnedFull = false;

  function enqueue(pushes: Iterable<[string, PushedImage]>): void {
    for (const [id, p] of pushes) {
      pending.pushes.delete(id);
      pending.pushes.set(id, p);
    }
    let dropped = 0;
    for (const id of pending.pushes.keys()) {
      if (pending.pushes.size <= maxQueued) break;
      pending.pushes.delete(id);
      dropped++;
    }
    if (dropped > 0) metrics.recordQueueDrop(dropped);
    // One line per filling of the queue, not one per webhook of a flood (the counter has the total).
    if (dropped > 0 && !warnedFull) {
      warnedFull = true;
      logger.warn(
        'push queue full: the oldest queued pushes were dropped (scheduled tags still follow their schedule)',
        { dropped, cap: maxQueued },
      );
    }
    metrics.setQueued(pending.pushes.size);
  }

  return {
    hasPending: () =>
      pending.startup || pending.refresh || pending.scheduled.size > 0 || pending.pushes.size > 0,
    take() {
      const batch = pending;
      pending = emptyBatch();
      warnedFull = false;
      return batch;
    },
    markStartup() {
      pending.startup = true;
    },
    markRefresh() {
      pending.refresh = true;
    },
    addScheduled(keys) {
      for (const k of keys) pending.scheduled.add(k);
    },
    enqueue,
    requeue(b) {
      pending.startup ||= b.startup;
      pending.refresh ||= b.refresh;
      for (const k of b.scheduled) pending.scheduled.add(k);
      const newer = pending.pushes;
      pending.pushes = new Map(b.pushes);
      enqueue(newer);
    },
    pushes: () => [...pending.pushes.values()],
    pushCount: () => pending.pushes.size,
  };
}
