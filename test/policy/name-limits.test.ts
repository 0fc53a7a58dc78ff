import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runReconcile } from '../../src/app/reconcile.js';
import { tempName, writeFileAtomic } from '../../src/fs/atomic.js';
import { loadProject } from '../../src/loader/load.js';
import { MAX_STREAM_NAME_BYTES } from '../../src/model/limits.js';
import { captureIO } from '../helpers/capture-io.js';

const base = mkdtempSync(join(tmpdir(), 'is-names-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function repoWith(name: string, streamName: string): Promise<string> {
  const dir = join(base, name);
  await mkdir(join(dir, 'imagestreams'), { recursive: true });
  writeFileSync(
    join(dir, 'imagestreams', 's.yaml'),
    `kind: ImageStream\napiVersion: image.openshift.io/v1\nmetadata: {name: ${streamName}}\nspec:\n  tags:\n    - name: "1"\n      from: {kind: DockerImage, name: "127.0.0.1:1/app:1"}\n`,
  );
  return dir;
}

it('the longest stream name is computed from the 255-byte limit: <name>.json through .<name>.json.<hex>.tmp', () => {
  expect(MAX_STREAM_NAME_BYTES).toBe(232);
  const longest = 'a'.repeat(MAX_STREAM_NAME_BYTES);
  expect(Buffer.byteLength(tempName(`${longest}.json`, 'f'.repeat(12)))).toBe(255);
});

it.each([233, 240, 250, 253])(
  'a %i-character stream name is a validation error with the fix; nothing is written',
  async (n) => {
    const dir = await repoWith(`long-${n}`, `s${'x'.repeat(n - 1)}`);
    const project = await loadProject({ cwd: dir });
    const errors = project.diagnostics.filter((d) => d.severity === 'error');
    // (From 250 characters on, OpenShift's 255-character limit on namespace/name is reported too.)
    expect(errors).toContainEqual(
      expect.objectContaining({
        code: 'NAME_TOO_LONG',
        file: 'imagestreams/s.yaml',
        line: 3,
        message: expect.stringMatching(/at most 232 fit.*shorten it/),
      }),
    );
    expect(errors.every((e) => e.code === 'NAME_TOO_LONG')).toBe(true);
    const r = await runReconcile(captureIO(dir), { project: { loaded: project } });
    expect(r.status).toBe('invalid');
    expect(readdirSync(dir).sort()).toEqual(['imagestreams']);
  },
);

it('a 232-character stream name validates', async () => {
  const dir = await repoWith('long-232', `s${'x'.repeat(231)}`);
  const project = await loadProject({ cwd: dir });
  expect(project.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
});

it('atomic writes of a file whose name is near the limit keep their temporary name within it', async () => {
  for (const name of ['y'.repeat(250), `${'é'.repeat(120)}.yaml`]) {
    const path = join(base, name);
    await writeFileAtomic(path, 'x\n');
    expect(readFileSync(path, 'utf8')).toBe('x\n');
    expect(Buffer.byteLength(tempName(name, 'abcdefabcdef'))).toBeLessThanOrEqual(255);
  }
});
