import { describe, expect, it } from 'vitest';
import { parseFieldPath } from '../../src/consumers/fieldpath.js';

describe('parseFieldPath', () => {
  it.each([
    ['spec.containers[0].image', [{ key: 'spec' }, { key: 'containers' }, { index: 0 }, { key: 'image' }]],
    [
      'spec.template.spec.containers[?(@.name=="web")].image',
      [
        { key: 'spec' },
        { key: 'template' },
        { key: 'spec' },
        { key: 'containers' },
        { name: 'web' },
        { key: 'image' },
      ],
    ],
    [
      "spec.initContainers[?(@.name == 'a.b')].image",
      [{ key: 'spec' }, { key: 'initContainers' }, { name: 'a.b' }, { key: 'image' }],
    ],
    [
      '$.spec.containers[12].image',
      [{ key: 'spec' }, { key: 'containers' }, { index: 12 }, { key: 'image' }],
    ],
  ])('parses %s', (input, steps) => {
    expect(parseFieldPath(input)).toEqual({ steps });
  });

  it.each([
    ['', 'empty'],
    ['spec..image', 'field name'],
    ['spec.containers[x].image', 'use [N]'],
    ['spec.containers[?(@.image=="a")].image', 'use [N]'],
  ])('rejects %j with a reason', (input, reason) => {
    const r = parseFieldPath(input);
    expect('error' in r && r.error).toContain(reason);
  });
});
