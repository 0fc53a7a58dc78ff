// The config's import mode applies to tags that set none (a tag's own mode wins), is part of the spec recorded in
// the lock (changing it makes those tags due again), and only a mode nobody chose is flagged for the
// multi-arch warning.
import { describe, expect, it } from 'vitest';
import { planImports, type StreamState } from '../../src/plan/next-locks.js';
import { specKey } from '../../src/policy/tag-spec.js';
import { digest, historyItem, streamLock } from '../helpers/builders.js';

const D = digest('a');
const tags = [
  { name: 'none', from: { kind: 'DockerImage', name: 'node:22' } },
  { name: 'legacy', from: { kind: 'DockerImage', name: 'node:22' }, importPolicy: { importMode: 'Legacy' } },
];
const stream = (lockSpec?: (t: (typeof tags)[number]) => string): StreamState => ({
  namespace: 'ns',
  name: 'node',
  object: { metadata: { name: 'node' }, spec: { tags } },
  file: 'imagestreams/node.yaml',
  lockFile: 'imagestreams.lock/ns/node.json',
  ...(lockSpec
    ? {
        lock: streamLock(
          'ns',
          'node',
          tags.map((t) => ({
            tag: t.name,
            spec: lockSpec(t),
            observedGeneration: null,
            items: [historyItem('node', D, 'x')],
          })),
        ),
      }
    : {}),
});

describe('import mode default from the config', () => {
  it('applies to tags without a mode; a tag that chose Legacy keeps it', () => {
    const reqs = planImports([stream()], { defaultImportMode: 'PreserveOriginal' });
    expect(reqs.map((r) => [r.tag, r.importMode, r.importModeDefaulted ?? false])).toEqual([
      ['none', 'PreserveOriginal', false],
      ['legacy', 'Legacy', false],
    ]);
  });

  it('without a config default, only the tag that chose nothing is flagged for the multi-arch warning', () => {
    const reqs = planImports([stream()]);
    expect(reqs.map((r) => [r.tag, r.importMode, r.importModeDefaulted ?? false])).toEqual([
      ['none', 'Legacy', true],
      ['legacy', 'Legacy', false],
    ]);
  });

  it('changing the default makes the tags it governs due (spec-changed), not the others', () => {
    const locked = stream((t) => specKey(t));
    expect(planImports([locked], { scheduledDue: () => false })).toEqual([]);
    const due = planImports([locked], { defaultImportMode: 'PreserveOriginal', scheduledDue: () => false });
    expect(due.map((r) => [r.tag, r.reason])).toEqual([['none', 'spec-changed']]);
  });
});
