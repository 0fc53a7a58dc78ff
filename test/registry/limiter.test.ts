// The latency-following limiter against a simulated registry on a simulated clock: it never runs more than its
// bound, grows to its maximum while latency stays flat, and settles just above the registry's capacity when
// requests beyond it queue (latency grows with load).

import { describe, expect, it } from 'vitest';
import { AdaptiveLimiter } from '../../src/registry/transport/limiter.js';

/**
 * Run `n` tasks through a limiter against a registry that serves `capacity` requests at once in `base` ms each
 * (more in flight share it: each takes base × inFlight / capacity). Returns the largest number in flight seen and
 * the limiter's final bound.
 */
async function simulate(capacity: number, n: number, max = 64) {
  let now = 0;
  const lim = new AdaptiveLimiter({ min: 1, max, initial: 4, now: () => now });
  const inflight: { end: number; done: () => void }[] = [];
  let peak = 0;
  let overBound = 0;
  const task = () =>
    new Promise<void>((done) => {
      const load = inflight.length + 1;
      peak = Math.max(peak, load);
      if (load > lim.bound) overBound++;
      inflight.push({ end: now + 10 * Math.max(1, load / capacity), done });
    });
  const all = Promise.all(Array.from({ length: n }, () => lim.run(task)));
  let finished = false;
  void all.then(() => {
    finished = true;
  });
  while (!finished) {
    await new Promise((r) => setImmediate(r));
    if (inflight.length === 0) continue;
    inflight.sort((a, b) => a.end - b.end);
    const next = inflight.shift()!;
    now = Math.max(now, next.end);
    next.done();
  }
  return { peak, overBound, bound: lim.bound };
}

describe('AdaptiveLimiter', () => {
  it('grows to its maximum while latency stays flat', async () => {
    const r = await simulate(1000, 3000, 32);
    expect(r.bound).toBe(32);
    expect(r.peak).toBeLessThanOrEqual(32);
    expect(r.overBound).toBe(0);
  });

  it('settles just above the capacity of a registry whose latency grows with load', async () => {
    const r = await simulate(8, 3000);
    expect(r.overBound).toBe(0);
    expect(r.bound).toBeGreaterThanOrEqual(8);
    expect(r.bound).toBeLessThanOrEqual(14);
  });
});
