import { expect, it } from 'vitest';
import { type ImportResult, type ReconcileDeps, reconcile } from '../../src/app/imports.js';
import { serializeLock } from '../../src/model/lock-format.js';
import type { ImportRequest, StreamState } from '../../src/plan/next-locks.js';
import { silentLogger } from '../../src/util/logger.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const stream = (name: string): StreamState => ({
  namespace: 'default',
  name,
  file: `imagestreams/${name}.yaml`,
  lockFile: `imagestreams.lock/default/${name}.json`,
  object: {
    metadata: { name, namespace: 'default' },
    spec: {
      tags: [
        {
          name: 'v1',
          from: { kind: 'DockerImage', name: `registry.test/team/${name}:v1` },
          importPolicy: { scheduled: true },
        },
      ],
    },
  },
});

/** A run over `streams` whose imports answer `digests[stream]`, on the files in `files`. */
function deps(streams: StreamState[], digests: Record<string, string>, files: Map<string, string>) {
  const checked: string[] = [];
  const written: string[] = [];
  const d: ReconcileDeps = {
    streams,
    historyLimit: 5,
    importTag: async (req: ImportRequest): Promise<ImportResult> => ({
      ok: true,
      item: {
        dockerImageReference: `registry.test/team/${req.stream}@${digests[req.stream]}`,
        image: digests[req.stream]!,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
      },
    }),
    serializeLock,
    checkLock: (lock) => {
      checked.push(lock.metadata.name);
      if (digests[lock.metadata.name] === digest('f')) throw new Error(`refused ${lock.metadata.name}`);
    },
    readFile: async (p) => files.get(p),
    writeFile: async (p, text) => {
      written.push(p);
      files.set(p, text);
    },
    now: () => new Date('2026-01-02T03:04:05Z'),
    logger: silentLogger,
  };
  return { d, checked, written };
}

it('checks only the locks that changed, all before the first write; a refused one writes nothing', async () => {
  const files = new Map<string, string>();
  const streams = [stream('a'), stream('b')];
  const first = deps(streams, { a: digest('a'), b: digest('b') }, files);
  const r1 = await reconcile(first.d);
  expect([first.checked, first.written.length]).toEqual([['a', 'b'], 2]);
  for (const s of streams) s.lock = r1.locks.get(`default/${s.name}`);

  const second = deps(streams, { a: digest('a'), b: digest('c') }, files);
  await reconcile(second.d);
  expect([second.checked, second.written]).toEqual([['b'], ['imagestreams.lock/default/b.json']]);

  const before = new Map(files);
  const refused = deps(streams, { a: digest('e'), b: digest('f') }, files);
  await expect(reconcile(refused.d)).rejects.toThrow('refused b');
  expect([refused.checked, refused.written, files]).toEqual([['a', 'b'], [], before]);
});
