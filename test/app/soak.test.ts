// Soak (imagestreams.dev/minimum-age) on an injected clock against the real registry: a new digest is held until
// this reconciler has seen it for the configured time (first-seen ledger in the lock, never the image's
// `created`), the lock records it as pending with when it becomes eligible, and the PR body says so.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconcile } from '../../src/app/reconcile.js';
import type { StreamLock } from '../../src/model/lock.js';
import { captureIO } from '../helpers/capture-io.js';
import { prBodyOf } from '../helpers/pr-notes.js';
import { makeImage, pushImage } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';

let reg: RunningRegistry;
let dir: string;
beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'imagestreams-soak-'));
});
afterAll(async () => {
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const at = (hours: number) => new Date(Date.parse('2026-11-27T00:00:00Z') + hours * 3_600_000).toISOString();
const lockOf = async () =>
  JSON.parse(await readFile(join(dir, 'imagestreams.lock/default/app.json'), 'utf8')) as StreamLock;
const run = (hours: number) => runReconcile(captureIO(dir, { now: at(hours) }), {});

describe('soak: imagestreams.dev/minimum-age', () => {
  it('holds a new digest until it has been seen for the minimum age, by the lock ledger', async () => {
    const push = (seed: string) =>
      pushImage(reg.url, 'soak/app', ['1'], makeImage({ seed, created: '2000-01-01T00:00:00Z' }));
    const a = await push('a');
    await mkdir(join(dir, 'imagestreams'), { recursive: true });
    await writeFile(
      join(dir, 'imagestreams/app.yaml'),
      [
        'kind: ImageStream',
        'metadata: {name: app}',
        'spec:',
        '  tags:',
        '    - name: web',
        '      annotations: {imagestreams.dev/minimum-age: 72h}',
        `      from: {kind: DockerImage, name: "${reg.host}/soak/app:1"}`,
        '      importPolicy: {scheduled: true}',
        '',
      ].join('\n'),
    );
    expect((await run(0)).status).toBe('ok'); // a first import is never held
    expect((await lockOf()).status.tags[0]!.items[0]!.image).toBe(a);
    const base = await lockOf();

    const b = await push('b'); // `created` says 2000: old by its own word, new to this reconciler
    const held = await run(1);
    expect(held.status).toBe('ok');
    let tag = (await lockOf()).status.tags[0]!;
    expect(tag.items[0]!.image).toBe(a);
    expect(tag.pending).toMatchObject({
      image: b,
      firstSeen: '2026-11-27T01:00:00Z',
      reason: 'Soaking',
      eligibleAt: '2026-11-30T01:00:00Z',
    });
    expect(held.result?.soaking?.map((p) => p.key)).toEqual(['default/app:web']);

    // The PR that records it says when it becomes eligible.
    const body = await prBodyOf(dir, { stream: 'app', baseLock: base, lock: await lockOf() });
    expect(body).toContain('eligible at `2026-11-30T01:00:00Z`');

    // 71 hours later: still soaking, the ledger keeps the first sighting, nothing is written.
    const still = await run(72);
    expect(still.written).toEqual([]);
    expect((await lockOf()).status.tags[0]!.pending?.firstSeen).toBe('2026-11-27T01:00:00Z');

    // At 73 hours it has been seen for 72: proposed, and the pending record is gone.
    const through = await run(73);
    expect(through.written).toEqual(['imagestreams.lock/default/app.json']);
    tag = (await lockOf()).status.tags[0]!;
    expect(tag.items[0]!.image).toBe(b);
    expect(tag.pending).toBeUndefined();
  });

  it('a digest replaced while soaking starts its own soak', async () => {
    const c = await pushImage(reg.url, 'soak/app', ['1'], makeImage({ seed: 'c' }));
    await run(80);
    expect((await lockOf()).status.tags[0]!.pending).toMatchObject({
      image: c,
      firstSeen: at(80).replace('.000', ''),
    });
    const d = await pushImage(reg.url, 'soak/app', ['1'], makeImage({ seed: 'd' }));
    await run(100);
    expect((await lockOf()).status.tags[0]!.pending).toMatchObject({
      image: d,
      firstSeen: at(100).replace('.000', ''),
    });
  });
});

describe('validation of imagestreams.dev/minimum-age', () => {
  it('refuses a value that is not an age, at its line', async () => {
    const { parseDeclarations } = await import('../../src/loader/declarations.js');
    const { validateStreams } = await import('../../src/policy/validate.js');
    const yaml = (v: string) =>
      `kind: ImageStream\nmetadata: {name: a}\nspec:\n  tags:\n    - name: t\n      annotations: {imagestreams.dev/minimum-age: "${v}"}\n      from: {kind: DockerImage, name: quay.io/o/a:1}\n`;
    const check = (v: string) =>
      validateStreams(parseDeclarations('s.yaml', yaml(v), { defaultNamespace: 'default' }).streams, {}).map(
        (d) => `${d.line}:${d.code}`,
      );
    expect(check('1d12h')).toEqual([]);
    expect(check('3 days')).toEqual(['6:INVALID_MINIMUM_AGE']);
  });
});
