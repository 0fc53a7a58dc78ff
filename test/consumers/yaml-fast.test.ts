// The consumer files' YAML fast path (src/consumers/yaml-fast.ts) against the full `yaml` parser: whenever it
// answers, every node has the kind, value, style, source and range the full parser gives it, and the finders
// find the same consumers. Checked on examples, on every YAML file of the repository, and on generated files
// (a failure prints its seed).

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { annotationConsumers } from '../../src/consumers/kube.js';
import { eachObject, type KubeObject } from '../../src/consumers/objects.js';
import { buildConfigConsumers, deploymentConfigConsumers } from '../../src/consumers/openshift.js';
import { fastRead } from '../../src/consumers/yaml-fast.js';
import { check } from '../helpers/property.js';

/** A node as data: what the finders can see of it. */
function shape(n: unknown): unknown {
  if (n === null || n === undefined) return null;
  if (isMap(n) || isSeq(n)) {
    return {
      kind: isMap(n) ? 'map' : 'seq',
      flow: Boolean(n.flow),
      // A block collection's third offset also covers comments after it; nothing reads it (yaml-fast.ts).
      range: n.flow ? n.range : n.range?.slice(0, 2),
      items: n.items.map((i) => (isPair(i) ? [shape(i.key), shape(i.value)] : shape(i))),
    };
  }
  if (isScalar(n)) return { value: n.value, type: n.type, source: n.source, range: n.range };
  return { other: String(n) };
}

/** An empty document's root (the full parser gives it a null scalar of no width). */
const empty = (n: unknown) =>
  n === null || (isScalar(n) && n.value === null && n.range != null && n.range[0] === n.range[1]);

/** The full parser's roots, or undefined when it reports an error. */
function fullRoots(text: string): unknown[] | undefined {
  const docs = parseAllDocuments(text, { merge: true, uniqueKeys: false });
  if (!Array.isArray(docs)) return [];
  if (docs.some((d) => d.errors.length > 0)) return undefined;
  return docs.map((d) => d.contents).filter((c) => !empty(c));
}

/** Asserts that the fast path, when it answers, agrees with the full parser; returns whether it answered. */
function agrees(text: string): boolean {
  const fast = fastRead(text);
  if (!fast) return false;
  const full = fullRoots(text);
  expect(full, `the full parser rejects what the fast path read:\n${text}`).toBeDefined();
  expect(fast.roots.filter((r) => r !== null).map(shape)).toEqual(full!.map(shape));
  return true;
}

/** What the finders make of a file's objects, read by either path. */
function found(text: string, fast: boolean) {
  const errors: never[] = [];
  const objects = [...eachObject('f.yaml', text, errors, { fast })];
  const opts = { defaultNamespace: 'default' };
  return {
    errors,
    objects: objects.map((o: KubeObject) => ({
      kind: o.kind,
      name: o.name,
      namespace: o.namespace,
      line: o.line,
      consumers: [
        annotationConsumers(o, opts),
        o.kind === 'DeploymentConfig' ? deploymentConfigConsumers(o, opts) : undefined,
        o.kind === 'BuildConfig' ? buildConfigConsumers(o, opts) : undefined,
      ],
    })),
  };
}

const MANIFEST = `# a Deployment and its trigger
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"web:1.2"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: web
        image: "quay.io/shop/web:1.2"   # pinned by imagestreams
        ports: []
        resources: {}
        args:
          - --port=8080
          - 'it''s'
---
kind: DeploymentConfig
apiVersion: apps.openshift.io/v1
metadata: {name: dc}
`;

describe('consumers YAML fast path', () => {
  it('reads a typical manifest exactly as the full parser does (a flow map falls back)', () => {
    const inSubset = MANIFEST.replace('metadata: {name: dc}', 'metadata:\n  name: dc');
    expect(agrees(inSubset)).toBe(true);
    expect(fastRead(MANIFEST)).toBeUndefined();
    for (const text of [inSubset, MANIFEST]) expect(found(text, true)).toEqual(found(text, false));
  });

  it.each([
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a merge key', 'a:\n  <<: {b: 1}\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a folded scalar', 'a: >-\n  text\n'],
    ['a plain scalar on two lines', 'a: one\n  two\n'],
    ['a quoted scalar on two lines', 'a: "one\n  two"\n'],
    ['an escape', 'a: "x\\ty"\n'],
    ['a flow collection with items', 'a: [1, 2]\n'],
    ['an empty value', 'a:\nb: 1\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['content after ---', '--- a: 1\n'],
    ['a tab', 'a:\tb\n'],
    ['a CR line end', 'a: 1\r\n'],
    ['a quoted key', '"a": 1\n'],
    ['a boolean key', 'true: 1\n'],
    ['a hexadecimal number', 'a: 0x1F\n'],
    ['a nested sequence on one line', 'a:\n- - 1\n'],
    ['a scalar document', 'just text\n'],
    ['a mapping in a plain scalar', 'a: b: c\n'],
    ['a comment without a space', 'a: "b"#c\n'],
    ['a comment deeper than the line after it', 'a:\n  b: 1\n    # c\n  d: 2\n'],
    ['a comment shallower than the line after it', 'a:\n- b: 1\n  # c\n- d\n'],
    ['an indented comment before the document ends', 'a:\n  b: 1\n  # c\n'],
  ])('falls back on %s', (_, text) => {
    expect(fastRead(text)).toBeUndefined();
  });

  it.each([
    ['documents and comments', '# head\n---\na: 1 # one\n\n# between\nb: x#y\n--- # two\n---\nc: [] # e\n'],
    ['sequences at the key indent and deeper', 'a:\n- x\n- y: 1\n  z: 2\nb:\n    - 1.50\n    - -x\nc: ~\n'],
    ['item maps opened after a bare dash', 'a:\n  -\n    b: 1\n  - # note\n    c: 2\n'],
    ['quotes', `a: 'x: y'\nb: "# z"\nc: ''''\nd: ""\ne: 'a'' b'   # c\n`],
    [
      'YAML 1.2 scalars',
      'a: yes\nb: 1e3\nc: +1\nd: .5\ne: 0777\nf: 1_000\ng: NULL\nh: False\ni: 2001-12-14\n',
    ],
    ['no final newline', 'a:\n  b: c'],
  ])('agrees with the full parser on %s', (_, text) => {
    expect(agrees(text)).toBe(true);
  });

  it('agrees with the full parser on every YAML file of the repository it reads', () => {
    const root = resolve(import.meta.dirname, '..', '..');
    const yamlFiles = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        if (e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'build' || e.name === 'dist')
          return [];
        const p = join(dir, e.name);
        return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
      });
    let read = 0;
    const files = yamlFiles(root);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      try {
        if (agrees(text)) read++;
        expect(found(text, true)).toEqual(found(text, false));
      } catch (e) {
        (e as Error).message = `${relative(root, f)}: ${(e as Error).message}`;
        throw e;
      }
    }
    // Most of them are in the subset: the path is exercised, not bypassed.
    expect(read).toBeGreaterThan(files.length / 2);
  });

  it('agrees with the full parser on generated manifests (property; prints its seed)', async () => {
    await check(
      fc.property(fileArb, fc.nat(), (text, at) => {
        expect(agrees(text), `the fast path fell back on a file in its subset:\n${text}`).toBe(true);
        expect(found(text, true)).toEqual(found(text, false));
        // Damaged copies: whatever the fast path still answers must agree too.
        for (const bit of [':', ' ', '\n', '-', '#', "'", '"', '{', '&']) {
          const i = at % (text.length + 1);
          agrees(text.slice(0, i) + bit + text.slice(i));
        }
        agrees(text.slice(0, at % text.length) + text.slice((at % text.length) + 1));
      }),
      150,
    );
  });
});

// Generated files: nested maps and sequences in block style, every scalar style the subset reads, comments and
// blank lines anywhere, sequences at their key's indent or deeper, several documents.

type Tree = { map: [string, Tree][] } | { seq: Tree[] } | { scalar: string } | { empty: '{}' | '[]' };

const keyArb = fc.constantFrom('name', 'image', 'kind', 'app.kubernetes.io/name', 'a_b', 'x-y', 'spec', 'v1');
const scalarArb = fc.oneof(
  fc.constantFrom(
    'web',
    '1',
    '1.50',
    'true',
    'null',
    '~',
    'yes',
    'a#b',
    'a:b',
    'http://x/y',
    '-x',
    'x y',
    '0777',
  ),
  fc.constantFrom("'x: y'", "'it''s'", "''", '"a b"', '"# c"', '""', 'quay.io/a/b:1.2@sha256:0123'),
  fc.stringMatching(/^[a-z][a-z0-9./:@-]{0,12}$/).filter((s) => !s.endsWith(':') && !s.includes(': ')),
);
const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb.map((scalar) => ({ scalar })),
    fc.constantFrom<'{}' | '[]'>('{}', '[]').map((empty) => ({ empty })),
    fc.array(fc.tuple(keyArb, tie('tree')), { minLength: 1, maxLength: 4 }).map((map) => ({ map })),
    fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((seq) => ({ seq })),
  ),
})).tree;
const docArb = fc.array(fc.tuple(keyArb, treeArb), { minLength: 1, maxLength: 4 }).map((map) => ({ map }));
const styleArb = fc.record({
  step: fc.constantFrom(1, 2, 4),
  seqAtKey: fc.boolean(),
  comments: fc.array(fc.nat(9), { maxLength: 12 }),
});
const fileArb = fc
  .tuple(fc.array(docArb, { minLength: 1, maxLength: 3 }), styleArb, fc.boolean())
  .map(([docs, style, leadingMarker]) => {
    let n = 0;
    // A blank line or a comment line aligned with the line it comes before.
    const extra = (sp: string) => {
      const c = style.comments[n++ % Math.max(style.comments.length, 1)];
      return c === undefined || c > 3 ? '' : c === 0 ? '\n' : `${sp}# note ${c}\n`;
    };
    const trailing = () => (style.comments[n++ % Math.max(style.comments.length, 1)] === 1 ? ' # t' : '');
    const inline = (t: Tree) => ('scalar' in t ? t.scalar : 'empty' in t ? t.empty : undefined);
    const block = (t: Tree, indent: number): string => {
      const sp = ' '.repeat(indent);
      if ('map' in t) {
        return t.map
          .map(([k, v]) => {
            const i = inline(v);
            if (i !== undefined) return `${extra(sp)}${sp}${k}: ${i}${trailing()}\n`;
            const inner = 'seq' in v && style.seqAtKey ? indent : indent + style.step;
            return `${extra(sp)}${sp}${k}:${trailing()}\n${block(v, inner)}`;
          })
          .join('');
      }
      if ('seq' in t) {
        return t.seq
          .map((v) => {
            const i = inline(v);
            if (i !== undefined) return `${extra(sp)}${sp}- ${i}${trailing()}\n`;
            if ('map' in v) {
              // `- key: value`, the rest of the map under its first key (a comment before it stays before the dash).
              const rest = block(v, indent + 2).replace(/^(?:\n| *#.*\n)*/, '');
              return `${extra(sp)}${sp}- ${rest.trimStart()}`;
            }
            return `${extra(sp)}${sp}-${trailing()}\n${block(v, indent + 2)}`;
          })
          .join('');
      }
      return '';
    };
    const texts = docs.map((d) => block(d, 0));
    return (leadingMarker ? '---\n' : '') + texts.join('--- # next\n');
  });
