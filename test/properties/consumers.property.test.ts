import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  applyConsumerPlan,
  findConsumers,
  planConsumerUpdates,
  type SourceFile,
} from '../../src/consumers/index.js';
import { check } from '../helpers/property.js';

const STREAMS = ['python:3.12', 'redis:7', 'node:20', 'missing:1'];
const hex = fc
  .array(fc.constantFrom(...'0123456789abcdef'.split('')), { minLength: 64, maxLength: 64 })
  .map((h) => h.join(''));
/** A lock: each declared stream tag (not `missing`) → a pinned pull spec. */
const lockArb = fc.tuple(hex, hex, hex).map(([a, b, c]) => ({
  'default/python:3.12': `quay.io/mirror/python@sha256:${a}`,
  'default/redis:7': `docker.io/library/redis@sha256:${b}`,
  'default/node:20': `registry.example.com:5000/node@sha256:${c}`,
}));
const follows = fc
  .tuple(fc.constantFrom(...STREAMS), fc.boolean())
  .map(([s, ns]) => (ns ? `default/${s}` : s));
const noise = fc.constantFrom('', '\n', '# a comment\n', '   \n', 'RUN echo "FROM x"\n', '# imagestream:\n');
const image = fc.oneof(
  fc.constantFrom(
    'python:3.12',
    'redis',
    'docker.io/library/node:20',
    '$BASE',
    'scratch',
    'quay.io/x/y@sha256:' + '0'.repeat(64),
  ),
  fc.string({ maxLength: 30 }).map((s) => s.replace(/\s/g, '') || 'x'),
);

const dockerfile = fc
  .array(
    fc.record({
      marker: fc.option(follows, { nil: undefined }),
      gap: noise,
      platform: fc.boolean(),
      image,
      stage: fc.option(fc.constantFrom('build', 'AS', 'runtime'), { nil: undefined }),
      as: fc.constantFrom('AS', 'as'),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((stages) =>
    stages
      .map(
        (st) =>
          `${st.marker ? `# imagestream: ${st.marker}\n` : ''}${st.gap}FROM ${st.platform ? '--platform=$BUILDPLATFORM ' : ''}${st.image}${st.stage ? ` ${st.as} ${st.stage}` : ''}\n`,
      )
      .join(''),
  );

const envFile = fc
  .array(fc.tuple(fc.constantFrom('A', 'B_IMAGE', 'C'), image, fc.option(follows, { nil: undefined })), {
    maxLength: 4,
  })
  .map((lines) => lines.map(([k, v, f]) => `${k}=${v}${f ? ` # imagestream: ${f}` : ''}\n`).join(''));

const quote = (s: string, q: string) =>
  q === "'" ? `'${s.replace(/'/g, "''")}'` : q === '"' ? JSON.stringify(s) : s;
const deployment = fc
  .record({
    containers: fc.array(
      fc.tuple(fc.constantFrom('app', 'side', 'init'), image, fc.constantFrom('', "'", '"')),
      { minLength: 1, maxLength: 3 },
    ),
    triggers: fc.array(fc.tuple(follows, fc.constantFrom('app', 'side', 'init', 'nope')), { maxLength: 3 }),
    indent: fc.constantFrom('  ', '    '),
    extra: fc.constantFrom('', '# trailing comment\n', '---\n'),
  })
  .map(({ containers, triggers, indent, extra }) => {
    const t = JSON.stringify(
      triggers.map(([f, c]) => ({
        from: { kind: 'ImageStreamTag', name: f.includes('/') ? f.slice(f.indexOf('/') + 1) : f },
        fieldPath: `spec.template.spec.containers[?(@.name=="${c}")].image`,
      })),
    );
    const i = indent;
    const list = containers
      .map(([n, img, q]) => `${i}${i}${i}${i}- name: ${n}\n${i}${i}${i}${i}  image: ${quote(img, q)}\n`)
      .join('');
    return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n${i}name: web\n${i}annotations:\n${i}${i}image.openshift.io/triggers: ${quote(t, "'")}\nspec:\n${i}template:\n${i}${i}spec:\n${i}${i}${i}containers:\n${list}${extra}`;
  });

/** One rewrite pass: files whose text changed. */
function rewrite(files: SourceFile[], lock: Record<string, string>): { out: SourceFile[]; changes: number } {
  const found = findConsumers(files, { defaultNamespace: 'default' });
  const plan = planConsumerUpdates(found.consumers, (ns, s, t) => lock[`${ns}/${s}:${t}`]);
  return { out: applyConsumerPlan(files, plan), changes: plan.changes.length };
}

it('consumer rewrites never throw, touch only the files given, and are idempotent', async () => {
  const filesArb = fc
    .tuple(dockerfile, envFile, deployment, fc.string({ maxLength: 200 }))
    .map(([d, e, k, junk]) => [
      { path: 'Dockerfile', text: d },
      { path: 'images.env', text: e },
      { path: 'deploy/web.yaml', text: k },
      {
        path: 'deploy/junk.yaml',
        text: `${junk}\nimage.openshift.io/triggers: ${junk}\n# imagestream: ${junk}`,
      },
    ]);
  let rewritten = 0;
  await check(
    fc.property(filesArb, lockArb, (files, lock) => {
      const first = rewrite(files, lock);
      rewritten += first.changes;
      const paths = new Set(files.map((f) => f.path));
      for (const f of first.out) expect(paths.has(f.path)).toBe(true);
      const after = files.map((f) => first.out.find((o) => o.path === f.path) ?? f);
      const second = rewrite(after, lock);
      expect(second.out).toEqual([]);
      expect(second.changes).toBe(0);
      // Every rewritten consumer now holds its locked pull spec.
      for (const c of findConsumers(after, { defaultNamespace: 'default' }).consumers) {
        const want = lock[`${c.follows.namespace}/${c.follows.stream}:${c.follows.tag}` as keyof typeof lock];
        if (c.slot && want) expect(c.current).toBe(want);
      }
    }),
    300,
    // Found by this property: an empty value after a YAML tag (`image: !`) was rewritten into the tag, again
    // on every run.
    [
      [
        [
          {
            path: 'deploy/web.yaml',
            text: `kind: Deployment\nmetadata:\n  name: web\n  annotations:\n    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"python:3.12"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"init\\")].image"}]'\nspec:\n  template:\n    spec:\n      containers:\n        - name: init\n          image: !\n        - name: app\n          image: &a\n`,
          },
        ],
        {
          'default/python:3.12': `quay.io/mirror/python@sha256:${'0'.repeat(64)}`,
          'default/redis:7': `docker.io/library/redis@sha256:${'1'.repeat(64)}`,
          'default/node:20': `registry.example.com:5000/node@sha256:${'2'.repeat(64)}`,
        },
      ],
    ],
  );
  expect(rewritten).toBeGreaterThan(100); // the generator reaches real rewrites, not only no-ops
});
