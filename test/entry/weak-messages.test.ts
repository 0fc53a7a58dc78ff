// Messages that used to be weak: a hand-edited lock is reported once (each problem at its own line, the way out
// once), not nested inside another position with two pieces of advice.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/entry/cli.js';
import { captureIO } from '../helpers/capture-io.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'is-weak-'));
  dirs.push(root);
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), t);
  }
  return root;
}

const STREAM =
  'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata: {name: app}\nspec:\n  tags:\n    - name: "1"\n      from: {kind: DockerImage, name: "quay.io/x/y:1"}\n';

describe('a hand-edited lock', () => {
  it('is reported once: every problem at its line, the advice once, exit 2, nothing written', async () => {
    const lock = JSON.stringify({
      apiVersion: 'imagestreams.dev/v1alpha1',
      kind: 'ImageStreamLock',
      metadata: { name: 'app', namespace: 'default' },
      status: { tags: [{ tag: '1', items: [{ created: 'x' }] }] },
    });
    const root = project({ 'imagestreams/app.yaml': STREAM, 'imagestreams.lock/default/app.json': lock });
    const io = captureIO(root);
    expect(await main(['reconcile', '--dry-run'], io)).toBe(2);
    const err = io.err();
    const file = 'imagestreams.lock/default/app.json';
    expect(err).toContain(`${file}:1:`);
    expect(err).not.toMatch(new RegExp(`${file}:\\d+:\\d+: ${file}`));
    expect(err.split('\n').filter((l) => l.includes('missing the required field "image"'))).toHaveLength(1);
    expect(err.match(/restore imagestreams\.lock\/default\/app\.json from git/g)).toHaveLength(1);
    expect(err).not.toContain('fix the file, or delete it');
  });
});
