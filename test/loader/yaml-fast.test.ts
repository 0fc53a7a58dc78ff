import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { tryParseSimpleYaml } from '../../src/loader/yaml-fast.js';

import { CORPUS } from '../helpers/corpus.js';

function corpusFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) corpusFiles(p, out);
    else if (e.name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** The fast path either declines or agrees exactly with the full parser. */
function agrees(text: string): boolean {
  const fast = tryParseSimpleYaml(text);
  if (fast === undefined) return false;
  expect(fast.value).toEqual(parse(text, { uniqueKeys: true }));
  return true;
}

describe('YAML fast path', () => {
  it('agrees with the yaml package on the whole corpus written as block YAML', () => {
    let fast = 0;
    const files = corpusFiles(CORPUS);
    for (const f of files) {
      const text = stringify(JSON.parse(readFileSync(f, 'utf8')));
      if (agrees(text)) fast++;
    }
    // Descriptions with "\n" become block or escaped scalars, which the fast path leaves to yaml.
    expect(fast).toBeGreaterThan(50);
  });

  it.each([
    ["k: v\nn: 3.10\nb: true\nz: ~\ne:\ni: 42\nf: -1.5e3\ns: \"quoted\"\nq: 'it''s'\n"],
    ['tags:\n- name: a\n  from: {}\n- name: b\n'],
    ['a:\n  - 1\n  -\n    x: y\n  - - nested\n'],
    ['a: b # comment\nc: "d # not a comment"\n'],
    ['---\nkind: ImageStream\n'],
    ['a: 1\n---\nb: 2\n'],
    ['a: &x 1\nb: *x\n'],
    ['a: |\n  text\n'],
    ['a: multi\n  line\n'],
    ['a: 1\na: 2\n'],
    ['"quoted key": 1\n'],
    ['a: "esc\\n"\n'],
    ['a: [1, 2]\n'],
    ['a: !!str 1\n'],
    ['a:\tb\n'],
    ['a: 0x1F\n'],
    ['a: .inf\n'],
    ['3.10: x\n'],
    ['null: x\n'],
    ['a: b: c\n'],
    ['- a\n- b\n'],
    ['a: 12345678901234567890\n'],
    ['a: -b\n'],
    ['a: - b\n'],
    ['a:\n    b: 1\n  c: 2\n'],
    ['url: https://example.com/x#y\n'],
    ['a: "x" y\n'],
    ["a: 'x' y\n"],
    ['a:\r\n  b: c\r\n'],
    ['from: {kind: DockerImage, name: "quay.io/a/b:1"}\n'],
    ["from: {kind: ImageStreamTag, name: '3.12'} # follows\n"],
    ['p: {scheduled: true, importMode: PreserveOriginal, n: 3}\n'],
    ['p: {a: 1,}\n'],
    ['p: {a: 1, a: 2}\n'],
    ['p: {a: {b: 1}}\n'],
    ['p: {a: "x,y"}\n'],
    ['p: {a:b}\n'],
    ['p: {a: b} c\n'],
    ['p: {a: [1]}\n'],
    ['p: {a: 1 #x}\n'],
    ['p: {a: "}"}\n'],
    ['p: {a:, b: 1}\n'],
    ['p: {a: b\n'],
    ['- {name: a, from: x}\n- name: b\n'],
  ])('declines or agrees: %j', (text) => {
    let full: unknown;
    let fullOk = true;
    try {
      full = parse(text, { uniqueKeys: true });
    } catch {
      fullOk = false;
    }
    const fast = tryParseSimpleYaml(text);
    if (fast !== undefined) {
      expect(fullOk).toBe(true);
      expect(fast.value).toEqual(full);
    }
  });

  it('takes one-line flow mappings, the other common declaration shape', () => {
    const text =
      'spec:\n  tags:\n    - name: "3.12"\n      from: {kind: DockerImage, name: "quay.io/a/b:3.12"}\n' +
      '      importPolicy: {scheduled: true, importMode: PreserveOriginal}\n';
    expect(agrees(text)).toBe(true);
  });

  it('takes the common declaration shape', () => {
    const text = readFileSync(
      join(import.meta.dirname, '..', '..', 'examples', 'basic', 'imagestreams', 'python.yaml'),
      'utf8',
    );
    expect(agrees(text)).toBe(true);
  });
});
