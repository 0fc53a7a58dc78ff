import { describe, expect, it } from 'vitest';
import type { StreamLock, TagHistoryItem } from '../../src/model/lock.js';
import { keepProposedTimes } from '../../src/plan/stable-times.js';
import { historyItem, streamLock } from '../helpers/builders.js';

const NOW = '2026-11-27T12:00:00Z';
const item = (image: string, created: string, generation = 1): TagHistoryItem =>
  historyItem('r', image, created, generation);
const lock = (items: TagHistoryItem[]): StreamLock => streamLock('ns', 's', { t: items });

describe('keepProposedTimes', () => {
  it('an image already proposed keeps its first-seen time; a new one keeps now', () => {
    const next = lock([item('sha256:b', NOW), item('sha256:a', '2026-11-01T00:00:00Z')]);
    const proposed = lock([
      item('sha256:b', '2026-11-26T09:00:00Z', 2),
      item('sha256:a', '2026-11-01T00:00:00Z'),
    ]);
    expect(keepProposedTimes(next, proposed, NOW).status.tags[0]?.items[0]).toEqual(
      item('sha256:b', '2026-11-26T09:00:00Z', 2),
    );
    const other = lock([item('sha256:c', '2026-11-26T09:00:00Z')]);
    expect(keepProposedTimes(next, other, NOW)).toBe(next);
    expect(keepProposedTimes(next, undefined, NOW)).toBe(next);
  });
});
