import { describe, expect, it } from 'vitest';
import { applyConsumerPlan, findConsumers, planConsumerUpdates } from '../../src/consumers/index.js';
import { applyEdits, renderValue } from '../../src/consumers/rewrite.js';
import { scanText } from '../../src/consumers/scan.js';
import { retainedBytes } from '../helpers/retained.js';

const PIN = `quay.io/p/python@sha256:${'a'.repeat(64)}`;
const lookup = (ns: string, s: string, t: string) =>
  `${ns}/${s}:${t}` === 'default/python:3.12' ? PIN : undefined;

describe('findConsumers', () => {
  it('never parses a file without a needle (broken YAML there is not an error)', () => {
    expect(findConsumers([{ path: 'a.yaml', text: 'key: [unclosed\n  image: python:3.12' }])).toEqual({
      consumers: [],
      errors: [],
    });
    expect(scanText('image: python:3.12')).toEqual({ kube: false, marker: false });
  });

  it('reports broken YAML in a file that carries a trigger, with its line', () => {
    const r = findConsumers([
      { path: 'a.yaml', text: 'metadata:\n  annotations:\n    image.openshift.io/triggers: [\n' },
    ]);
    expect(r.errors).toMatchObject([{ code: 'CONSUMER_YAML_INVALID', file: 'a.yaml' }]);
  });

  it('does not treat a markdown file mentioning the annotation as a Kubernetes object', () => {
    expect(
      findConsumers([{ path: 'README.md', text: 'set image.openshift.io/triggers on workloads' }]).errors,
    ).toEqual([]);
  });

  it('merges a marker and a trigger that address the same value, and flags them when they disagree', () => {
    const doc = (marker: string) => `kind: Pod
metadata:
  name: p
  annotations:
    image.openshift.io/triggers: '[{"from":{"name":"python:3.12"},"fieldPath":"spec.containers[0].image"}]'
spec:
  containers:
    - name: a
      image: python:3.12 # imagestream: ${marker}
`;
    expect(findConsumers([{ path: 'p.yaml', text: doc('python:3.12') }]).consumers).toHaveLength(1);
    expect(findConsumers([{ path: 'p.yaml', text: doc('python:3.11') }]).errors).toMatchObject([
      { code: 'CONSUMER_CONFLICT', line: 9 },
    ]);
  });

  it('uses the object namespace, then the configured default, for stream tags without one', () => {
    const text = `kind: Pod
metadata:
  name: p
  namespace: apps
  annotations:
    image.openshift.io/triggers: '[{"from":{"name":"python:3.12"},"fieldPath":"spec.containers[0].image"}]'
spec: {containers: [{name: a, image: x}]}
`;
    expect(findConsumers([{ path: 'p.yaml', text }]).consumers[0]?.follows.namespace).toBe('apps');
    const noNs = text.replace('  namespace: apps\n', '');
    expect(
      findConsumers([{ path: 'p.yaml', text: noNs }], { defaultNamespace: 'team' }).consumers[0]?.follows
        .namespace,
    ).toBe('team');
  });
});

describe('planConsumerUpdates', () => {
  it('a change keeps its values, not the file they were read from (a run keeps every change to its end)', () => {
    // 100 workloads of ~100 KB each (10 MB): what is kept is each one's change.
    const { bytes, kept } = retainedBytes(() => {
      const changes = [];
      for (let i = 0; i < 100; i++) {
        const file = {
          path: `deploy/${i}.yaml`,
          text:
            `# ${'x'.repeat(100_000)}\n` +
            `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web${i}\n  annotations:\n` +
            `    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"python:3.12"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"app\\")].image"}]'\n` +
            `spec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: quay.io/p/python:3.12-previous-build-${i}\n`,
        };
        changes.push(...planConsumerUpdates(findConsumers([file]).consumers, lookup).changes);
      }
      return changes;
    });
    expect(kept).toHaveLength(100);
    expect(kept[99]?.from).toBe('quay.io/p/python:3.12-previous-build-99');
    expect(bytes).toBeLessThan(2_000_000);
  });

  it('edits only values that differ from the lock, and lists tags without a lock as unresolved', () => {
    const files = [
      {
        path: 'Dockerfile',
        text: `# imagestream: python:3.12\nFROM python:3.12\n# imagestream: python:3.11\nFROM python:3.11\n`,
      },
      { path: 'pinned.env', text: `X=${PIN} # imagestream: python:3.12\n` },
    ];
    const found = findConsumers(files);
    const plan = planConsumerUpdates(found.consumers, lookup);
    expect(plan.changes).toEqual([
      {
        file: 'Dockerfile',
        line: 2,
        target: 'FROM stage 0',
        follows: 'default/python:3.12',
        from: 'python:3.12',
        to: PIN,
      },
    ]);
    expect(plan.unresolved.map((u) => u.follows)).toEqual(['default/python:3.11']);
    expect(applyConsumerPlan(files, plan)).toEqual([
      {
        path: 'Dockerfile',
        text: `# imagestream: python:3.12\nFROM ${PIN}\n# imagestream: python:3.11\nFROM python:3.11\n`,
      },
    ]);
  });
});

describe('applyEdits', () => {
  it('keeps the quoting style and every byte outside the ranges', () => {
    const text = `a: "x" # c\nb: 'y'\nc: z\n`;
    const out = applyEdits(text, [
      { slot: { start: 3, end: 6, style: 'double' }, value: 'n"1' },
      { slot: { start: 14, end: 17, style: 'single' }, value: "it's" },
      { slot: { start: 21, end: 22, style: 'plain' }, value: 'p' },
    ]);
    expect(out).toBe(`a: "n\\"1" # c\nb: 'it''s'\nc: p\n`);
    expect(renderValue('v', 'plain')).toBe('v');
  });

  it('refuses overlapping edits and conflicting values for the same range', () => {
    expect(() =>
      applyEdits('abcdef', [
        { slot: { start: 0, end: 3, style: 'plain' }, value: 'x' },
        { slot: { start: 2, end: 4, style: 'plain' }, value: 'y' },
      ]),
    ).toThrow(expect.objectContaining({ code: 'CONSUMER_EDIT_OVERLAP' }));
    expect(() =>
      applyEdits('abcdef', [
        { slot: { start: 0, end: 3, style: 'plain' }, value: 'x' },
        { slot: { start: 0, end: 3, style: 'plain' }, value: 'y' },
      ]),
    ).toThrow(expect.objectContaining({ code: 'CONSUMER_EDIT_CONFLICT' }));
  });
});

describe('documentation files', () => {
  it('are never searched for markers (a README may show one in a code block)', () => {
    const text = '```dockerfile\n# imagestream: python:3.12\nFROM python:3.12\n```\n';
    expect(findConsumers([{ path: 'docs/README.md', text }])).toEqual({ consumers: [], errors: [] });
    expect(
      findConsumers([{ path: 'Dockerfile', text: text.split('\n').slice(1, 3).join('\n') }]).consumers,
    ).toHaveLength(1);
  });
});
