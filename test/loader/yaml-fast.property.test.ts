// The YAML fast path over generated documents of the shapes it takes (block mappings and sequences, one-line flow
// mappings) built from scalars near its edges (numbers, signs, dots, YAML words, indicators, quotes): it either
// declines or agrees exactly with the yaml package. A failure prints the seed (rerun with FC_SEED=<seed>).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tryParseSimpleYaml } from '../../src/loader/yaml-fast.js';
import { check } from '../helpers/property.js';

const word = fc.constantFrom(
  ...[
    'name',
    'from',
    'kind',
    'null',
    'True',
    'FALSE',
    '~',
    'x.y',
    '_k',
    'a-b',
    'a/b',
    'k1',
    '1k',
    '.k',
    '-k',
  ],
);
const key = fc.oneof(
  { arbitrary: fc.constantFrom('name', 'from', 'kind', 'x.y', '_k', 'a-b', 'a/b', 'k1'), weight: 8 },
  { arbitrary: word, weight: 1 },
);
const scalar = fc.oneof(
  { arbitrary: word, weight: 4 },
  {
    arbitrary: fc.constantFrom('0', '-1', '+2', '3.10', '.5', '1e3', '-b', '"q"', 'quay.io/a/b:1'),
    weight: 4,
  },
  {
    arbitrary: fc.constantFrom(
      ...['-.inf', '.NaN', '0x1F', '0o7', '12345678901234567890', '1.2.3', '-1.', '+.5e-3'],
      ...['+x', '.x', '- b', '"q"', "'it''s'", '"a,b"', '#c', 'a #c', 'a: b', '[1]', '{}', '[]', '&a', '*a'],
      ...['!t', '|', '>', '%', '@', '`', '?', ':', ',', 'quay.io/a/b:1', 'https://e.com/x#y'],
    ),
    weight: 2,
  },
  { arbitrary: fc.stringMatching(/^[-+.0-9a-zA-Z:#"' ]{1,6}$/), weight: 1 },
);
const flowMap = fc
  .array(fc.tuple(word, scalar), { minLength: 1, maxLength: 3 })
  .map((pairs) => `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`);
const line = fc.tuple(key, fc.oneof(scalar, flowMap)).map(([k, v]) => `${k}: ${v}`);
const doc = fc
  .array(fc.tuple(fc.boolean(), fc.array(line, { minLength: 1, maxLength: 3 })), {
    minLength: 1,
    maxLength: 4,
  })
  .map((items) =>
    items
      .map(([listed, lines], i) =>
        listed
          ? `s${i}:\n${lines.map((l, j) => `  ${j === 0 ? '- ' : '  '}${l}`).join('\n')}`
          : lines.map((l) => `m${i}_${l}`).join('\n'),
      )
      .join('\n'),
  );

/** The yaml package's reading, or undefined when it refuses the text. */
function full(text: string): { value: unknown } | undefined {
  try {
    return { value: parse(text, { uniqueKeys: true }) };
  } catch {
    return undefined;
  }
}

describe('YAML fast path (property)', () => {
  it('declines or agrees with the yaml package', async () => {
    await check(
      fc.property(doc, (text) => {
        const fast = tryParseSimpleYaml(text);
        if (fast === undefined) return;
        expect(full(text), text).toBeDefined();
        expect(fast.value, text).toEqual(full(text)!.value);
      }),
      1000,
    );
  });
});
