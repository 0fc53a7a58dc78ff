import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/entry/cli.js';
import { tagsUpToWidth } from '../../src/entry/commands/get.js';
import { captureIO } from '../helpers/capture-io.js';

const PROJECT = join(import.meta.dirname, '..', 'fixtures', 'projects', 'describe');

import { CORPUS } from '../helpers/corpus.js';

const GOLDEN = join(import.meta.dirname, '..', 'golden');

/** Compare with a golden file; UPDATE_GOLDEN=1 rewrites it. */
function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('describe', () => {
  it.each([
    ['python', 'python-with-lock.txt'],
    ['team-a/app', 'app-other-namespace.txt'],
  ])('prints %s like oc describe is (golden %s)', async (stream, file) => {
    const io = captureIO(PROJECT);
    expect(await main(['describe', stream], io)).toBe(0);
    expect(io.err()).toBe('');
    golden(`describe/${file}`, io.out());
  });

  it('works from the declaration alone (no lock yet)', async () => {
    const io = captureIO(CORPUS);
    const code = await main(['describe', 'redis', '--config', join(PROJECT, '..', 'corpus-config.yaml')], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    golden('describe/redis-no-lock.txt', io.out());
  });

  it('puts the newest image first, with its age from the fixed clock', async () => {
    const io = captureIO(PROJECT);
    await main(['describe', 'default/python'], io);
    expect(io.out()).toContain(
      '  * docker.io/library/python@sha256:2222222222222222222222222222222222222222222222222222222222222222\n      15 minutes ago\n',
    );
  });

  it('--json joins spec and lock per tag', async () => {
    const io = captureIO(PROJECT);
    expect(await main(['describe', 'python', '--json'], io)).toBe(0);
    const j = JSON.parse(io.out());
    expect(j).toMatchObject({ name: 'python', namespace: 'default', uniqueImages: 3, lookupLocal: true });
    expect(j.tags.map((t: { name: string }) => t.name)).toEqual([
      'latest',
      '3.12',
      '3.11',
      'stable',
      'upstream',
    ]);
    expect(j.tags[1].items).toHaveLength(2);
  });

  it('exits 2 naming the declared streams when STREAM is unknown', async () => {
    const io = captureIO(PROJECT);
    expect(await main(['describe', 'ruby'], io)).toBe(2);
    expect(io.err()).toContain('no stream "ruby" is declared (declared: default/python, team-a/app)');
  });

  it('exits 2 without a STREAM', async () => {
    const io = captureIO(PROJECT);
    expect(await main(['describe'], io)).toBe(2);
  });
});

describe('get', () => {
  it('prints the oc get is table (golden)', async () => {
    const io = captureIO(PROJECT);
    expect(await main(['get'], io)).toBe(0);
    golden('get/all-namespaces.txt', io.out());
  });

  it('filters by namespace and drops the NAMESPACE column', async () => {
    const io = captureIO(PROJECT);
    expect(await main(['get', '-n', 'team-a'], io)).toBe(0);
    golden('get/namespace-team-a.txt', io.out());
  });

  it('--json gives rows with the raw update time', async () => {
    const io = captureIO(PROJECT);
    expect(await main(['get', '--json', 'python'], io)).toBe(0);
    expect(JSON.parse(io.out())).toEqual([
      {
        namespace: 'default',
        name: 'python',
        imageRepository: 'registry.example.com/mirror/default/python',
        tags: ['latest', '3.12', '3.11', 'stable', 'upstream'],
        updated: '2026-03-01T11:45:00Z',
      },
    ]);
  });

  it('shortens long tag lists like oc', () => {
    expect(tagsUpToWidth(['latest', '3.12', '3.11'])).toBe('latest,3.12,3.11');
    const many = ['latest', '3.12-ubi9', '3.11-ubi9', '3.10-ubi9', '3.9-ubi9', '3.8-ubi9', '3.6-ubi8'];
    expect(tagsUpToWidth(many)).toBe('latest,3.12-ubi9,3.11-ubi9,3.10-ubi9 + 3 more...');
    expect(tagsUpToWidth(['x'.repeat(60), 'y'])).toBe(`${'x'.repeat(60)} + 1 more...`);
  });

  it('lists the corpus without a lock (UPDATED empty)', async () => {
    const io = captureIO(join(CORPUS, 'community'));
    expect(await main(['get', '--config', join(PROJECT, '..', 'corpus-config.yaml')], io)).toBe(0);
    const lines = io.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +IMAGE REPOSITORY +TAGS +UPDATED$/);
    expect(lines.find((l) => l.startsWith('redis '))).toMatch(/^redis +latest,7-el9,6-el9$/);
  });
});
