// The lock's `selection` (tag selection policies): canonical bytes, schema-checked, and locks without it load.
import { describe, expect, it } from 'vitest';
import { parseLock } from '../../src/loader/lock-file.js';
import type { StreamLock } from '../../src/model/lock.js';
import { serializeLock } from '../../src/model/lock-format.js';

const D = `sha256:${'a'.repeat(64)}`;
const lock = (extra: object): StreamLock =>
  ({
    apiVersion: 'imagestreams.dev/v1alpha1',
    kind: 'ImageStreamLock',
    metadata: { name: 'app', namespace: 'default' },
    status: {
      tags: [
        {
          tag: 'web',
          items: [
            {
              created: '2026-11-27T12:00:00Z',
              dockerImageReference: `quay.io/o/app@${D}`,
              image: D,
              generation: 1,
            },
          ],
          ...extra,
        },
      ],
    },
  }) as StreamLock;

describe('lock selection', () => {
  it('a lock without selection (written before it existed) still loads', () => {
    expect(parseLock(serializeLock(lock({})), 'x.json').status.tags[0]!.selection).toBeUndefined();
  });

  it('is written in canonical order (ledger sorted by tag) and round-trips', () => {
    const text = serializeLock(
      lock({
        selection: {
          firstSeen: { b: '2026-11-27T12:00:00Z', a: '2026-11-26T12:00:00Z' },
          tag: 'b',
          policy: 'first-seen',
        },
      }),
    );
    expect(text).toContain(
      '"selection": {\n          "policy": "first-seen",\n          "tag": "b",\n          "firstSeen": {\n            "a": "2026-11-26T12:00:00Z",\n            "b": "2026-11-27T12:00:00Z"\n',
    );
    expect(serializeLock(parseLock(text, 'x.json'))).toBe(text);
  });

  it('a selection that does not match the schema is refused', () => {
    expect(() =>
      parseLock(serializeLock(lock({ selection: { policy: 'semver', tag: '-bad' } })), 'x.json'),
    ).toThrow();
  });
});
