// Which Local tags an import feeds (the tag and its Local followers, through chains and across streams), and what
// `imagestreams mirror` copies: pure, so checked with tables and a property over random follow graphs.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLocalTag, localTagsFed, lockedLocalTags } from '../../src/app/mirror.js';
import type { StreamLock } from '../../src/model/lock.js';
import type { StreamLike, TagSpecLike } from '../../src/policy/tag-spec.js';
import { check } from '../helpers/property.js';

const local = { referencePolicy: { type: 'Local' } };
const docker = (name: string, extra: Partial<TagSpecLike> = {}): TagSpecLike => ({
  name,
  from: { kind: 'DockerImage', name: `quay.io/org/${name}:1` },
  ...extra,
});
const follows = (name: string, target: string, extra: Partial<TagSpecLike> = {}): TagSpecLike => ({
  name,
  from: { kind: 'ImageStreamTag', name: target },
  ...extra,
});
const stream = (name: string, tags: TagSpecLike[], namespace = 'ns') => ({
  namespace,
  name,
  object: { metadata: { name }, spec: { tags } } as StreamLike,
});

describe('localTagsFed', () => {
  const streams = [
    stream('py', [docker('3.12', local), follows('latest', '3.12'), follows('stable', 'latest', local)]),
    stream('web', [
      follows('base', 'py:3.12', local),
      follows('ref', 'py:3.12', { ...local, reference: true }),
    ]),
    stream('other', [follows('x', 'py:stable', local)], 'team'),
  ];

  it('is the tag when Local, and every Local follower through chains and other streams', () => {
    expect(localTagsFed(streams, 'ns/py:3.12')).toEqual([
      { namespace: 'ns', stream: 'py', tag: '3.12' },
      { namespace: 'ns', stream: 'py', tag: 'stable' },
      { namespace: 'ns', stream: 'web', tag: 'base' },
    ]);
  });

  it('leaves out reference tags, and followers in another namespace that do not name it', () => {
    const fed = localTagsFed(streams, 'ns/py:3.12').map((t) => `${t.stream}:${t.tag}`);
    expect(fed).not.toContain('web:ref');
    expect(fed).not.toContain('other:x'); // `py:stable` in namespace team is another stream
  });

  it('is empty for a tag no Local tag pins', () => {
    expect(localTagsFed([stream('a', [docker('1')])], 'ns/a:1')).toEqual([]);
  });

  it('holds for any follow graph: only Local tags, each once, cycles end', async () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const tag = fc.record({
      name: fc.constantFrom(...names),
      target: fc.option(fc.constantFrom(...names), { nil: undefined }),
      local: fc.boolean(),
    });
    await check(
      fc.property(fc.array(tag, { maxLength: 8 }), fc.constantFrom(...names), (tags, start) => {
        const unique = [...new Map(tags.map((t) => [t.name, t])).values()];
        const s = stream(
          's',
          unique.map((t) =>
            t.target ? follows(t.name, t.target, t.local ? local : {}) : docker(t.name, t.local ? local : {}),
          ),
        );
        const fed = localTagsFed([s], `ns/s:${start}`);
        const keys = fed.map((t) => t.tag);
        expect(new Set(keys).size).toBe(keys.length);
        for (const t of fed) expect(isLocalTag([s], t.namespace, t.stream, t.tag)).toBe(true);
      }),
      200,
    );
  });
});

describe('lockedLocalTags', () => {
  it('lists the locked image of each Local tag of the selected streams', () => {
    const item = {
      dockerImageReference: 'quay.io/org/a@sha256:1',
      image: 'sha256:1',
      created: '',
      generation: 1,
    };
    const lock = (tags: string[]) =>
      ({ status: { tags: tags.map((tag) => ({ tag, items: [item] })) } }) as unknown as StreamLock;
    const streams = [
      { ...stream('a', [docker('1', local), docker('2')]), lock: lock(['1', '2']) },
      { ...stream('b', [docker('1', local)]), lock: lock(['1']) },
      stream('c', [docker('1', local)]),
    ];
    expect(lockedLocalTags(streams).map((m) => `${m.stream}:${m.tag}`)).toEqual(['a:1', 'b:1']);
    expect(lockedLocalTags(streams, new Set(['b'])).map((m) => `${m.stream}:${m.tag}`)).toEqual(['b:1']);
  });
});
