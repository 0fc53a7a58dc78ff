// Required platforms (imagestreams.dev/required-platforms) against the real registry: an index that loses
// linux/arm64 is held back (the lock keeps the old image and records why; the PR body and the run log say so), an
// index with every required platform is proposed, and a first import lacking one fails the tag with the reason.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconcile } from '../../src/app/reconcile.js';
import type { StreamLock } from '../../src/model/lock.js';
import { missingPlatforms } from '../../src/policy/required-platforms.js';
import { captureIO } from '../helpers/capture-io.js';
import { prBodyOf } from '../helpers/pr-notes.js';
import { makeImage, makeIndex, pushImage, pushIndex } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';

let reg: RunningRegistry;
let dir: string;
beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'imagestreams-platforms-'));
});
afterAll(async () => {
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const AMD = { os: 'linux', architecture: 'amd64' };
const ARM = { os: 'linux', architecture: 'arm64', variant: 'v8' };
const lockOf = async (name = 'app') =>
  JSON.parse(await readFile(join(dir, `imagestreams.lock/default/${name}.json`), 'utf8')) as StreamLock;
const run = (now: string) => {
  const logged: string[] = [];
  const note = (m: string) => {
    logged.push(m);
  };
  const io = { ...captureIO(dir, { now }), logger: { debug() {}, info: note, warn: note, error: note } };
  return runReconcile(io, {}).then((r) => ({ ...r, logged }));
};
const declare = async (name: string, from: string) => {
  await mkdir(join(dir, 'imagestreams'), { recursive: true });
  await writeFile(
    join(dir, `imagestreams/${name}.yaml`),
    [
      'kind: ImageStream',
      `metadata: {name: ${name}}`,
      'spec:',
      '  tags:',
      '    - name: web',
      '      annotations: {imagestreams.dev/required-platforms: "linux/amd64,linux/arm64"}',
      `      from: {kind: DockerImage, name: "${from}"}`,
      '      importPolicy: {scheduled: true, importMode: PreserveOriginal}',
      '',
    ].join('\n'),
  );
};

describe('required platforms: imagestreams.dev/required-platforms', () => {
  it('holds back an index that loses linux/arm64 and proposes one that has both', async () => {
    const push = (seed: string, platforms: { os: string; architecture: string; variant?: string }[]) =>
      pushIndex(reg.url, 'plat/app', ['1'], makeIndex({ seed, platforms }));
    const both = await push('a', [AMD, ARM]);
    await declare('app', `${reg.host}/plat/app:1`);
    expect((await run('2026-11-27T00:00:00Z')).status).toBe('ok');
    const base = await lockOf();
    expect(base.status.tags[0]!.items[0]!.image).toBe(both);

    const amdOnly = await push('b', [AMD]);
    const held = await run('2026-11-27T01:00:00Z');
    expect(held.status).toBe('ok');
    const tag = (await lockOf()).status.tags[0]!;
    expect(tag.items[0]!.image).toBe(both); // the lock keeps the old image
    expect(tag.pending).toMatchObject({
      image: amdOnly,
      reason: 'MissingPlatform',
      missingPlatforms: ['linux/arm64'],
      firstSeen: '2026-11-27T01:00:00Z',
    });
    expect(held.result?.missingPlatforms?.map((p) => p.key)).toEqual(['default/app:web']);
    expect(held.result?.changes.flatMap((c) => c.tags)).toEqual([]);
    expect(held.logged.join('\n')).toContain('lacks the required platform linux/arm64');

    // The PR of the run's changes mentions it in its own section.
    const body = await prBodyOf(dir, { stream: 'app', baseLock: base, lock: await lockOf() });
    expect(body).toContain('### Held back: a required platform is missing');
    expect(body).toContain(`new digest \`${amdOnly}\` lacks the required \`linux/arm64\`; not proposed`);

    // Seen again: nothing changes (the ledger keeps the first sighting).
    expect((await run('2026-11-27T02:00:00Z')).written).toEqual([]);

    // An index with both platforms (arm64 spelled without its v8 variant) is proposed; the record is gone.
    const fixed = await push('c', [AMD, { os: 'linux', architecture: 'arm64' }]);
    const through = await run('2026-11-27T03:00:00Z');
    expect(through.written).toEqual(['imagestreams.lock/default/app.json']);
    const after = (await lockOf()).status.tags[0]!;
    expect(after.items[0]!.image).toBe(fixed);
    expect(after.pending).toBeUndefined();
  });

  it('fails a first import that lacks a required platform, with the reason', async () => {
    await pushImage(reg.url, 'plat/single', ['1'], makeImage({ seed: 'single' }));
    await declare('single', `${reg.host}/plat/single:1`);
    const r = await run('2026-11-28T00:00:00Z');
    expect(r.status).not.toBe('ok');
    const failed = r.result?.imports.find((i) => i.key === 'default/single:web')?.result;
    expect(failed).toMatchObject({ ok: false, reason: 'MissingPlatform' });
    expect(failed && !failed.ok && failed.message).toContain(
      'lacks the required platforms linux/amd64, linux/arm64',
    );
  });
});

describe('missingPlatforms', () => {
  it('treats arm64 and arm64/v8 (and aarch64) as the same platform', () => {
    const req = [AMD, { os: 'linux', architecture: 'arm64' }];
    expect(missingPlatforms(req, [AMD, ARM])).toEqual([]);
    expect(missingPlatforms(req, [AMD, { os: 'linux', architecture: 'aarch64' }])).toEqual([]);
    expect(missingPlatforms([ARM], [{ os: 'linux', architecture: 'arm64' }])).toEqual([]);
    expect(missingPlatforms(req, [AMD])).toEqual(['linux/arm64']);
  });
});

describe('validation of imagestreams.dev/required-platforms', () => {
  it('refuses an entry that is not a platform, at its line', async () => {
    const { parseDeclarations } = await import('../../src/loader/declarations.js');
    const { validateStreams } = await import('../../src/policy/validate.js');
    const yaml = (v: string) =>
      `kind: ImageStream\nmetadata: {name: a}\nspec:\n  tags:\n    - name: t\n      annotations: {imagestreams.dev/required-platforms: "${v}"}\n      from: {kind: DockerImage, name: quay.io/o/a:1}\n`;
    const check = (v: string) =>
      validateStreams(parseDeclarations('s.yaml', yaml(v), { defaultNamespace: 'default' }).streams, {});
    expect(check('linux/amd64, linux/arm64/v8').filter((d) => d.severity === 'error')).toEqual([]);
    const bad = check('linux/amd64,arm64').find((d) => d.code === 'INVALID_REQUIRED_PLATFORMS');
    expect(bad).toMatchObject({ file: 's.yaml', line: 6 });
    expect(bad?.message).toContain('"arm64"');
  });
});
