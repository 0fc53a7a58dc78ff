// The daemon's trigger queue on its own: coalescing, the cap on queued pushes, and a failed batch going back in
// front of what arrived during its run.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/daemon/metrics.js';
import { createTriggerQueue, triggerOf } from '../../src/daemon/queue.js';
import type { PushedImage } from '../../src/daemon/webhooks.js';
import type { Logger } from '../../src/util/logger.js';
import { check } from '../helpers/property.js';

const push = (tag: string): [string, PushedImage] => [
  `r.example/app:${tag}`,
  { hosts: ['r.example'], path: 'app', tag },
];

function queue(maxQueued: number) {
  const warnings: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} };
  const metrics = createMetrics();
  return { q: createTriggerQueue({ maxQueued, metrics, logger }), warnings, metrics };
}

describe('trigger queue', () => {
  it('take returns everything pending and leaves the queue empty', () => {
    const { q } = queue(10);
    expect(q.hasPending()).toBe(false);
    q.markStartup();
    q.addScheduled(['ns/s:1']);
    q.enqueue([push('1')]);
    const b = q.take();
    expect(triggerOf(b)).toBe('startup');
    expect([...b.scheduled]).toEqual(['ns/s:1']);
    expect([...b.pushes.keys()]).toEqual(['r.example/app:1']);
    expect(q.hasPending()).toBe(false);
    expect(q.pushCount()).toBe(0);
  });

  it('beyond the cap drops the oldest pushes, counts them, and warns once per filling', () => {
    const { q, warnings, metrics } = queue(2);
    q.enqueue([push('1'), push('2'), push('3')]);
    q.enqueue([push('4')]);
    expect(q.pushes().map((p) => p.tag)).toEqual(['3', '4']);
    expect(warnings).toHaveLength(1);
    expect(metrics.render()).toContain('imagestreams_webhook_queue_dropped_total 2');
    q.take();
    q.enqueue([push('5'), push('6'), push('7')]);
    expect(warnings).toHaveLength(2);
  });

  it('a requeued batch keeps its pushes ahead of newer ones; a repeat moves to the back (property)', async () => {
    const tags = fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,4}$/), { maxLength: 8 });
    await check(
      fc.property(tags, tags, (failed, newer) => {
        const { q } = queue(100);
        q.enqueue(failed.map(push));
        const batch = q.take();
        q.enqueue(newer.map(push));
        q.requeue(batch);
        const expected = [...failed.filter((t) => !newer.includes(t)), ...newer];
        expect(q.pushes().map((p) => p.tag)).toEqual(expected);
      }),
      200,
    );
  });
});
