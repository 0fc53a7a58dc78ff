// The edit use cases (app/tag, app/rollback, app/import) return typed results: what they edited, why they stopped,
// and the run that recorded the edit. No registry: the rollback's pin resolves from the lock's history.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importTags } from '../../src/app/import.js';
import { openProject } from '../../src/app/project.js';
import { rollbackTag } from '../../src/app/rollback.js';
import { tagStreams } from '../../src/app/tag.js';
import { serializeLock } from '../../src/model/lock-format.js';
import { planTag } from '../../src/policy/oc-tag.js';
import { digest, historyItem, streamLock } from '../helpers/builders.js';
import { captureIO } from '../helpers/capture-io.js';

const STREAM = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
spec:
  tags:
    - name: latest
      from: {kind: DockerImage, name: "quay.io/org/app:main"}
`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project declaring default/app:latest, its lock holding two images (the newest first). */
function project(stream = STREAM): string {
  const dir = mkdtempSync(join(tmpdir(), 'app-edits-'));
  dirs.push(dir);
  mkdirSync(join(dir, '.git'));
  mkdirSync(join(dir, 'imagestreams'));
  mkdirSync(join(dir, 'imagestreams.lock', 'default'), { recursive: true });
  writeFileSync(join(dir, 'imagestreams', 'app.yaml'), stream);
  const items = [historyItem('quay.io/org/app', digest('b')), historyItem('quay.io/org/app', digest('a'))];
  const lock = streamLock('default', 'app', { latest: items });
  writeFileSync(join(dir, 'imagestreams.lock', 'default', 'app.json'), serializeLock(lock));
  return dir;
}
const declaration = (dir: string) => readFileSync(join(dir, 'imagestreams', 'app.yaml'), 'utf8');

describe('tagStreams', () => {
  it('a dry run returns the actions, messages and files, and writes nothing', async () => {
    const dir = project();
    const loaded = await openProject(dir);
    const actions = planTag('quay.io/org/app:2', ['app:stable'], { currentNamespace: 'default' });
    const r = await tagStreams(captureIO(dir), loaded, actions, { dryRun: true, mode: 'none' });
    expect(r).toEqual({
      edit: {
        dryRun: true,
        actions: [
          {
            action: 'set',
            tag: 'default/app:stable',
            from: { kind: 'DockerImage', name: 'quay.io/org/app:2' },
          },
        ],
        messages: ['Tag app:stable set to quay.io/org/app:2.'],
        files: ['imagestreams/app.yaml'],
      },
    });
    expect(declaration(dir)).toBe(STREAM);
  });

  it('an --alias to a tag that is not declared stops as a failure, nothing edited', async () => {
    const dir = project();
    const actions = planTag('app:nosuch', ['app:next'], { currentNamespace: 'default', alias: true });
    const r = await tagStreams(captureIO(dir), await openProject(dir), actions, {});
    expect(r.edit).toBeUndefined();
    expect(r.stop).toEqual({ status: 'failed', message: expect.stringContaining('--alias to app:nosuch') });
  });
});

describe('rollbackTag', () => {
  it('goes back one image by default and records it: the typed run writes the lock, no registry asked', async () => {
    const dir = project();
    const io = captureIO(dir);
    const r = await rollbackTag(io, { target: { stream: 'app', tag: 'latest' }, to: '2' });
    expect(r.stop).toBeUndefined();
    expect(r.edit).toMatchObject({
      item: { image: digest('a') },
      files: ['imagestreams/app.yaml'],
      dryRun: false,
    });
    expect(declaration(dir)).toContain(`app@${digest('a')}`);
    expect(r.job?.run.status).toBe('ok');
    expect(r.job?.run.written).toContain('imagestreams.lock/default/app.json');
    expect(r.job?.run.requests ?? 0).toBe(0);
  });

  it('says when the tag is there already, and stops on an image out of range', async () => {
    const dir = project();
    const target = { stream: 'app', tag: 'latest' };
    expect(await rollbackTag(captureIO(dir), { target, to: '1' })).toEqual({
      unchanged: { image: digest('b') },
    });
    const r = await rollbackTag(captureIO(dir), { target, to: '5' });
    expect(r.stop).toEqual({
      status: 'failed',
      message: 'app:latest has 2 image(s) in its history; --to 5 is out of range',
    });
    expect(declaration(dir)).toBe(STREAM);
  });
});

describe('importTags', () => {
  it('a stream that is not declared is a usage stop', async () => {
    const dir = project();
    const r = await importTags(captureIO(dir), {
      stream: 'nosuch',
      all: false,
      confirm: false,
      policies: { importPolicy: {} },
    });
    expect(r).toEqual({
      stop: {
        status: 'usage',
        message: 'stream default/nosuch is not declared (use --from REF --confirm to create it)',
      },
    });
  });
});
