import { describe, expect, it } from 'vitest';
import { lockPath, parseLock } from '../../src/loader/lock-file.js';
import type { StreamLock } from '../../src/model/lock.js';
import { serializeLock } from '../../src/model/lock-format.js';
import { digest, historyItem, streamLock } from '../helpers/builders.js';

const D1 = digest('1');
const D2 = digest('2');

function lock(): StreamLock {
  return streamLock('default', 'python', {
    b: [
      historyItem('docker.io/library/python', D1),
      {
        ...historyItem('docker.io/library/python', D2, '2026-02-01T00:00:00Z', 2),
        platforms: [
          { os: 'linux', architecture: 'arm64', variant: 'v8', digest: D1, mediaType: 'x/m' },
          { os: 'linux', architecture: 'amd64', digest: D2, mediaType: 'x/m' },
        ],
      },
    ],
    a: [],
  });
}

describe('serializeLock', () => {
  it('is canonical: key order, tags by name, items newest first, platforms sorted, 2 spaces, newline', () => {
    const text = serializeLock(lock());
    expect(text.endsWith('}\n')).toBe(true);
    const j = JSON.parse(text);
    expect(Object.keys(j)).toEqual(['apiVersion', 'kind', 'metadata', 'status']);
    expect(j.status.tags.map((t: { tag: string }) => t.tag)).toEqual(['a', 'b']);
    expect(j.status.tags[1].items.map((i: { image: string }) => i.image)).toEqual([D2, D1]);
    expect(j.status.tags[1].items[0].platforms.map((p: { architecture: string }) => p.architecture)).toEqual([
      'amd64',
      'arm64',
    ]);
    expect(Object.keys(j.status.tags[1].items[0])).toEqual([
      'created',
      'dockerImageReference',
      'image',
      'generation',
      'platforms',
    ]);
    expect(text).toContain('\n  "kind": "ImageStreamLock",\n');
  });

  it('gives the same bytes for the same state, whatever the key order of the input', () => {
    const a = lock();
    const b = JSON.parse(JSON.stringify(a), (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    ) as StreamLock;
    expect(serializeLock(b)).toBe(serializeLock(a));
    expect(serializeLock(parseLock(serializeLock(a), 'x.json'))).toBe(serializeLock(a));
  });

  it('keeps fields it does not know, after the known ones', () => {
    const l = lock();
    (l.status.tags[0] as unknown as Record<string, unknown>).zExtra = 1;
    expect(Object.keys(JSON.parse(serializeLock(l)).status.tags[1])).toEqual(['tag', 'items', 'zExtra']);
  });
});

describe('parseLock', () => {
  it('rejects a bad lock with file:line:column', () => {
    const text = serializeLock(lock()).replace(`"image": "${D1}"`, '"image": "latest"');
    expect(() => parseLock(text, 'imagestreams.lock/default/python.json')).toThrow(
      /imagestreams\.lock\/default\/python\.json:\d+:\d+: status\.tags\[1\]\.items\[1\]\.image "latest" is invalid/,
    );
  });

  it('rejects non-JSON garbage with a position', () => {
    expect(() => parseLock('{"apiVersion": ', 'l.json')).toThrow(/^l\.json:1:\d+: invalid YAML/);
  });

  it('places locks one file per stream', () => {
    expect(lockPath({ lockDir: 'imagestreams.lock' }, 'team-a', 'python')).toBe(
      'imagestreams.lock/team-a/python.json',
    );
  });
});
