// Image lookup as a property over generated workloads (kinds, namespaces, quoting, trailing comments, init
// containers): after one planned rewrite every container image that is a short name of a lookup stream in its own
// namespace is at the lock's pull spec, every other value is byte-for-byte unchanged, verify then finds nothing,
// and a second plan changes nothing (the marker keeps the pin following the tag). A failure prints the seed.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  applyConsumerPlan,
  findConsumers,
  localLookupOf,
  planConsumerUpdates,
} from '../../src/consumers/index.js';
import { LOOKUP_KINDS } from '../../src/consumers/lookup.js';
import { verifyConsumers } from '../../src/consumers/verify.js';
import type { StreamLike } from '../../src/policy/tag-spec.js';
import { check } from '../helpers/property.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const pin = (stream: string, tag: string) => `quay.io/org/${stream}:${tag}@${DIGEST}`;
const KINDS = [...LOOKUP_KINDS];
const IMAGES = [
  'python:3.12',
  'python',
  'python:latest',
  'python:3.13',
  'docker.io/python:3.12',
  'quay.io/x/y:1',
];
const PREFIX: Record<string, string> = { Pod: '', CronJob: '    ' };

interface Container {
  image: string;
  quote: '' | '"' | "'";
  comment: boolean;
  init: boolean;
}
interface Workload {
  kind: string;
  namespace: string | undefined;
  containers: Container[];
}

const container = fc.record({
  image: fc.constantFrom(...IMAGES),
  quote: fc.constantFrom('' as const, '"' as const, "'" as const),
  comment: fc.boolean(),
  init: fc.boolean(),
});
const workload = fc.record({
  kind: fc.constantFrom(...KINDS),
  namespace: fc.constantFrom(undefined, 'team', 'other'),
  containers: fc.array(container, { minLength: 1, maxLength: 3 }),
});

/** The workload as YAML, containers under the kind's pod spec. */
function render(w: Workload, i: number): string {
  const ns = w.namespace ? `\n  namespace: ${w.namespace}` : '';
  const pad = PREFIX[w.kind] ?? '  ';
  const podSpec =
    w.kind === 'Pod'
      ? 'spec:\n'
      : w.kind === 'CronJob'
        ? 'spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n'
        : 'spec:\n  template:\n    spec:\n';
  const indent = w.kind === 'Pod' ? '  ' : w.kind === 'CronJob' ? `${pad}      ` : '      ';
  const list = (init: boolean) =>
    w.containers
      .map((c, j) => ({ c, j }))
      .filter(({ c }) => c.init === init)
      .map(
        ({ c, j }) =>
          `${indent}  - name: c${j}\n${indent}    image: ${c.quote}${c.image}${c.quote}${c.comment ? '   # note' : ''}\n`,
      )
      .join('');
  const inits = list(true);
  const mains = list(false);
  return `apiVersion: v1\nkind: ${w.kind}\nmetadata:\n  name: w${i}${ns}\n${podSpec}${inits ? `${indent}initContainers:\n${inits}` : ''}${mains ? `${indent}containers:\n${mains}` : `${indent}containers: []\n`}`;
}

/** Container images of every document, in order. */
function images(text: string): string[] {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      for (const [k, v] of Object.entries(n)) {
        if (k === 'image' && typeof v === 'string') out.push(v);
        else walk(v);
      }
    }
  };
  for (const d of parseAllDocuments(text)) walk(d.toJS());
  return out;
}

describe('image lookup (property)', () => {
  it('pins exactly the short names of lookup streams in their namespace, once, and verify agrees', async () => {
    await check(
      fc.property(
        fc.array(workload, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.constantFrom('default', 'team'),
        (workloads, local, defaultNamespace) => {
          const streams = new Map<string, StreamLike>([
            [
              'team/python',
              {
                metadata: { name: 'python', namespace: 'team' },
                spec: { lookupPolicy: { local }, tags: [{ name: '3.12' }, { name: 'latest' }] },
              },
            ],
          ]);
          const lookup = localLookupOf(streams);
          const text = workloads.map(render).join('---\n');
          const files = [{ path: 'deploy/all.yaml', text }];
          const pullSpecFor = (ns: string, stream: string, tag: string) =>
            ns === 'team' && stream === 'python' && (tag === '3.12' || tag === 'latest')
              ? pin(stream, tag)
              : undefined;
          const found = findConsumers(files, { defaultNamespace, lookup });
          expect(found.errors).toEqual([]);
          const plan = planConsumerUpdates(found.consumers, pullSpecFor);
          const after = applyConsumerPlan(files, plan)[0]?.text ?? text;

          // The model: which images must be pinned, and to what.
          const tagOf = (c: Container, w: Workload) => {
            const tag =
              c.image === 'python' || c.image === 'python:latest'
                ? 'latest'
                : c.image === 'python:3.12'
                  ? '3.12'
                  : undefined;
            return local && (w.namespace ?? defaultNamespace) === 'team' ? tag : undefined;
          };
          const want = workloads.flatMap((w) =>
            [...w.containers.filter((c) => c.init), ...w.containers.filter((c) => !c.init)].map((c) => {
              const tag = tagOf(c, w);
              return tag ? pin('python', tag) : c.image;
            }),
          );
          expect(images(after)).toEqual(want);
          // Nothing but the pinned values and their markers changed.
          const expected = workloads
            .map((w) => ({
              ...w,
              containers: w.containers.map((c) => (tagOf(c, w) ? { ...c, image: 'X' } : c)),
            }))
            .map(render)
            .join('---\n');
          expect(
            after
              .replace(/quay\.io\/org\/python:[\w.]+@sha256:[0-9a-f]{64}/g, 'X')
              .replace(/ # imagestream: (team\/)?python:(3\.12|latest)/g, ''),
          ).toBe(expected);
          // One marker per pin, naming the tag (the namespace only when it is not the config's).
          const pinnedTags = workloads.flatMap((w) =>
            [...w.containers.filter((c) => c.init), ...w.containers.filter((c) => !c.init)].flatMap((c) => {
              const tag = tagOf(c, w);
              return tag ? [`${defaultNamespace === 'team' ? '' : 'team/'}python:${tag}`] : [];
            }),
          );
          expect([...after.matchAll(/ # imagestream: (\S+)/g)].map((m) => m[1])).toEqual(pinnedTags);

          // Verify is satisfied, and a second run changes nothing.
          const again = findConsumers([{ path: 'deploy/all.yaml', text: after }], {
            defaultNamespace,
            lookup,
          });
          expect(verifyConsumers(again.consumers, pullSpecFor)).toEqual([]);
          expect(planConsumerUpdates(again.consumers, pullSpecFor).changes).toEqual([]);
        },
      ),
      150,
    );
  });
});
