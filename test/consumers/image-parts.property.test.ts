// Split image fields as a property over generated values files: images whose repository, tag and digest fields
// each carry a part marker (same line or line above; plain, "double", 'single', empty or absent values; any tag the
// model accepts; other keys and comments around them). After one planned rewrite, YAML 1.1 and 1.2 both read every
// field as the lock's part, every line without a governed field is byte-identical (and a governed line changes only
// inside its value), verify finds nothing and a second plan changes nothing. A failure prints the seed.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyConsumerPlan, findConsumers, planConsumerUpdates } from '../../src/consumers/index.js';
import { renderValue } from '../../src/consumers/rewrite.js';
import { verifyConsumers } from '../../src/consumers/verify.js';
import { isValidTag } from '../../src/model/reference.js';
import { check } from '../helpers/property.js';

/** Any tag the model accepts (OCI and OpenShift: `[\w][\w.-]{0,127}`), biased towards YAML look-alikes. */
const tagArb = fc
  .oneof(
    fc.stringMatching(/^[\w][\w.-]{0,127}$/),
    fc.constantFrom(
      '1.10',
      '7',
      '0777',
      '1_000',
      'yes',
      'on',
      'y',
      'NO',
      'null',
      'true',
      '1e5',
      '0x1F',
      '2001-12-14',
    ),
    fc.tuple(fc.nat(99), fc.nat(99)).map(([a, b]) => `${a}.${b}`),
  )
  .filter(isValidTag);
const component = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const repositoryArb = fc
  .tuple(
    fc.constantFrom('quay.io', 'localhost:5000', 'registry.example.com:8443', 'docker.io'),
    fc.array(component, { minLength: 1, maxLength: 3 }),
  )
  .map(([host, path]) => `${host}/${path.join('/')}`);
const digestArb = fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256:${h}`);

type Style = 'plain' | 'double' | 'single' | 'empty-quoted' | 'absent';
const styleArb = fc.constantFrom<Style>('plain', 'double', 'single', 'empty-quoted', 'absent');
const PARTS = ['repository', 'tag', 'digest'] as const;
type Part = (typeof PARTS)[number];

interface Field {
  part: Part;
  /** The key the chart uses for it. */
  key: string;
  style: Style;
  old: string;
  above: boolean;
  /** Flux's `:name` for the repository. */
  alias: boolean;
}
interface Image {
  stream: number;
  /** The image came from no upstream tag (its pin has none): the tag field is left as it is. */
  untagged: boolean;
  fields: Field[];
  filler: boolean;
}

const fieldArb = (part: Part): fc.Arbitrary<Field> =>
  fc.record({
    part: fc.constant(part),
    key: fc.constantFrom(
      ...(
        {
          repository: ['repository', 'image', 'name'],
          tag: ['tag', 'version'],
          digest: ['digest', 'sha'],
        } as const
      )[part],
    ),
    style: styleArb,
    old: fc.oneof(tagArb, fc.constantFrom('old', 'example.invalid/x', `sha256:${'0'.repeat(64)}`)),
    above: fc.boolean(),
    alias: fc.boolean(),
  });
const imageArb: fc.Arbitrary<Image> = fc
  .record({
    stream: fc.nat(2),
    untagged: fc.boolean(),
    // The digest is always there (a set without one is refused); repository and tag are optional, order is free.
    fields: fc
      .tuple(fieldArb('digest'), fc.option(fieldArb('repository')), fc.option(fieldArb('tag')))
      .chain(([d, r, t]) =>
        fc.shuffledSubarray([d, ...(r ? [r] : []), ...(t ? [t] : [])], {
          minLength: r && t ? 3 : r || t ? 2 : 1,
        }),
      ),
    filler: fc.boolean(),
  })
  .filter((i) => i.fields.some((f) => f.part === 'digest'));

function valueText(f: Field): string {
  if (f.style === 'absent') return '';
  if (f.style === 'empty-quoted') return ' ""';
  if (f.style === 'double') return ` "${f.old}"`;
  if (f.style === 'single') return ` '${f.old}'`;
  return ` ${f.old}`;
}

function render(images: Image[]): string {
  const out = ['# values', 'replicaCount: 1'];
  images.forEach((img, i) => {
    out.push(`img${i}:`);
    if (img.filler) out.push('  pullPolicy: IfNotPresent # kept');
    for (const f of img.fields) {
      const word = f.part === 'repository' && f.alias ? 'name' : f.part;
      const marker = `# imagestream: s${img.stream}:t${img.untagged ? 'u' : ''}:${word}`;
      if (f.above) out.push(`  ${marker}`, `  ${f.key}:${valueText(f)}`);
      else out.push(`  ${f.key}:${valueText(f)} ${marker}`);
    }
    if (img.filler) out.push('  # a comment', '  resources: {}');
  });
  return `${out.join('\n')}\n`;
}

describe('split image fields (property)', () => {
  it('writes every field as the lock part, safely quoted, touching nothing else; verify agrees; idempotent', async () => {
    await check(
      fc.property(
        fc.array(imageArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(repositoryArb, tagArb, digestArb), { minLength: 3, maxLength: 3 }),
        (images, pins) => {
          const keys = images.map((img) => img.fields.map((f) => f.key));
          fc.pre(keys.every((k) => new Set(k).size === k.length));
          const spec = (stream: string, tag: string) => {
            const [repo, t, d] = pins[Number(stream.slice(1))]!;
            return tag === 'tu' ? `${repo}@${d}` : `${repo}:${t}@${d}`;
          };
          const lookup = (_ns: string, stream: string, tag: string) => spec(stream, tag);
          const text = render(images);
          const files = [{ path: 'chart/values.yaml', text }];
          const found = findConsumers(files, { defaultNamespace: 'default' });
          expect(found.errors.filter((e) => e.severity !== 'warning')).toEqual([]);
          const plan = planConsumerUpdates(found.consumers, lookup);
          const after = applyConsumerPlan(files, plan)[0]?.text ?? text;

          // YAML 1.1 (Helm's go-yaml) and 1.2 read every field as the lock's part.
          for (const version of ['1.1', '1.2'] as const) {
            const doc = parse(after, { version }) as Record<string, Record<string, unknown>>;
            images.forEach((img, i) => {
              const [repo, tag, digest] = pins[img.stream]!;
              for (const f of img.fields) {
                const got = doc[`img${i}`]![f.key];
                if (f.part === 'repository') expect(got).toBe(repo);
                else if (f.part === 'digest') expect(got).toBe(digest);
                else if (!img.untagged) expect(got).toBe(tag);
                else
                  expect(after.split('\n')).toContain(
                    `  ${f.key}:${valueText(f)}${f.above ? '' : ` # imagestream: s${img.stream}:tu:tag`}`,
                  );
              }
            });
          }
          // Only governed values change: the same lines, and a governed line keeps its key and its comment.
          const before = text.split('\n');
          const now = after.split('\n');
          expect(now.length).toBe(before.length);
          const governed = new Set(found.consumers.map((c) => c.line - 1));
          for (const [n, line] of before.entries()) {
            if (!governed.has(n)) {
              expect(now[n]).toBe(line);
              continue;
            }
            const c = found.consumers.find((x) => x.line - 1 === n)!;
            const lineStart = text.lastIndexOf('\n', c.slot!.start - 1) + 1;
            const head = text.slice(lineStart, c.slot!.start);
            const tail = line.slice(c.slot!.end - lineStart);
            expect(now[n]!.startsWith(head) && now[n]!.endsWith(tail), `${line} → ${now[n]}`).toBe(true);
          }
          // Verify finds nothing; a second plan changes nothing.
          const again = findConsumers([{ path: 'chart/values.yaml', text: after }], {
            defaultNamespace: 'default',
          });
          expect(verifyConsumers(again.consumers, lookup)).toEqual([]);
          expect(planConsumerUpdates(again.consumers, lookup).changes).toEqual([]);
        },
      ),
      150,
    );
  });

  it('writes any tag the model accepts so that YAML reads it back as that string, in every quoting style', async () => {
    await check(
      fc.property(
        tagArb,
        fc.constantFrom('plain', 'double', 'single') as fc.Arbitrary<'plain' | 'double' | 'single'>,
        (tag, style) => {
          const line = `tag: ${renderValue(tag, style, true)} # imagestream: app:1:tag\n`;
          for (const version of ['1.1', '1.2'] as const) expect(parse(line, { version })).toEqual({ tag });
        },
      ),
      500,
    );
  });
});
