// lockTagIndex answers as the scan it replaces (`lock.status.tags.find` by name): the first entry of a name wins,
// a name the lock lacks (or no lock) gives undefined.

import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type LockTag, lockTagIndex, type StreamLock } from '../../src/model/lock.js';
import { check } from '../helpers/property.js';

const name = fc.constantFrom('a', 'b', 'c', 'latest', '1.0', 'constructor', '__proto__');

it('finds the entry tags.find finds, for every name', async () => {
  await check(
    fc.property(fc.array(name, { maxLength: 8 }), fc.array(name, { maxLength: 4 }), (tags, asked) => {
      const lock = {
        apiVersion: 'imagestreams.dev/v1alpha1',
        kind: 'ImageStreamLock',
        metadata: { name: 's', namespace: 'n' },
        status: { tags: tags.map((tag, i): LockTag => ({ tag, items: [], spec: String(i) })) },
      } as StreamLock;
      const index = lockTagIndex(lock);
      for (const n of [...asked, ...tags]) expect(index(n)).toBe(lock.status.tags.find((t) => t.tag === n));
    }),
    300,
  );
});

it('gives undefined without a lock', () => {
  expect(lockTagIndex(undefined)('a')).toBeUndefined();
});
