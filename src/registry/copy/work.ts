// Bounded, shareable work for the copier: at most N at once and nothing left running after a failure; one piece
// of work per key at a time, shared by whoever asks for it while it runs.

import { mapLimit } from '../../util/map-limit.js';

/**
 * `fn` over `items`, at most `limit` at once; after a failure nothing new starts, and the first error is thrown
 * once the work in flight has settled (a failed copy leaves nothing running behind it).
 */
export async function eachLimit<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>) {
  let failed: { error: unknown } | undefined;
  await mapLimit(items, limit, async (t) => {
    if (failed) return;
    try {
      await fn(t);
    } catch (error) {
      failed ??= { error };
    }
  });
  if (failed) throw failed.error;
}

/**
 * Work on one manifest or blob of one target repository runs once at a time: a concurrent copy (two tags of one
 * image) waits for it and counts it as present. Distribution's storage does not take two uploads of the same blob
 * into one repository at once (the second sees a half-written blob and refuses the manifest).
 */
export function createOnce() {
  const inflight = new Map<string, Promise<void>>();
  return (key: string, work: () => Promise<void>, shared: () => void): Promise<void> => {
    const running = inflight.get(key);
    if (running) {
      shared();
      return running;
    }
    const p = work().finally(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  };
}
