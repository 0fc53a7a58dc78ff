// `imagestreams tag` (and import --from, which shares its tag edit) as `oc tag` edits the object.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/entry/cli.js';
import { captureIO } from '../helpers/capture-io.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function project(stream: string): { dir: string; read: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'tag-parity-'));
  dirs.push(dir);
  mkdirSync(join(dir, '.git'));
  mkdirSync(join(dir, 'imagestreams'));
  writeFileSync(join(dir, 'imagestreams', 'app.yaml'), stream);
  return { dir, read: () => readFileSync(join(dir, 'imagestreams', 'app.yaml'), 'utf8') };
}
const head = 'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: app\nspec:\n';

describe('tag onto an existing tag', () => {
  it('replaces the whole tag spec, as oc does: scheduled, policies and notes not given are dropped', async () => {
    const p = project(
      `${head}  tags:\n    - name: stable # the release line\n      annotations:\n        imagestreams.dev/rolled-back-from: '{"kind":"DockerImage","name":"quay.io/org/app:1"}'\n      from:\n        kind: DockerImage\n        name: quay.io/org/app:1\n      importPolicy:\n        scheduled: true\n        importMode: PreserveOriginal\n      referencePolicy:\n        type: Local\n`,
    );
    const io = captureIO(p.dir);
    expect(await main(['tag', 'quay.io/org/app:2', 'app:stable'], io)).toBe(0);
    expect(p.read()).toBe(
      `${head}  tags:\n    - name: stable # the release line\n      from:\n        kind: DockerImage\n        name: quay.io/org/app:2\n`,
    );
    const v = captureIO(p.dir);
    expect(await main(['validate'], v)).toBe(0);
  });

  it('keeps what is given again (--scheduled)', async () => {
    const p = project(
      `${head}  tags:\n    - name: stable\n      from: {kind: DockerImage, name: quay.io/org/app:1}\n      importPolicy: {scheduled: true, insecure: true}\n`,
    );
    expect(await main(['tag', 'quay.io/org/app:2', 'app:stable', '--scheduled'], captureIO(p.dir))).toBe(0);
    expect(p.read()).toBe(
      `${head}  tags:\n    - name: stable\n      from: {kind: DockerImage, name: quay.io/org/app:2}\n      importPolicy: {scheduled: true}\n`,
    );
  });
});

describe('tag --delete', () => {
  it('deletes a tag whose name is invalid (the only way to repair the file) and the file validates again', async () => {
    const p = project(
      `${head}  tags:\n    - name: "bad tag!"\n      from: {kind: DockerImage, name: quay.io/org/app:1}\n    - name: ok\n      from: {kind: DockerImage, name: quay.io/org/app:1}\n`,
    );
    expect(await main(['validate'], captureIO(p.dir))).toBe(1);
    const io = captureIO(p.dir);
    expect(await main(['tag', '--delete', 'app:bad tag!'], io)).toBe(0);
    expect(p.read()).toBe(
      `${head}  tags:\n    - name: ok\n      from: {kind: DockerImage, name: quay.io/org/app:1}\n`,
    );
    expect(await main(['validate'], captureIO(p.dir))).toBe(0);
  });

  it('refuses other flags (exit 2) and changes nothing', async () => {
    const text = `${head}  tags:\n    - name: ok\n      from: {kind: DockerImage, name: quay.io/org/app:1}\n`;
    const p = project(text);
    const io = captureIO(p.dir);
    expect(await main(['tag', '--delete', 'app:ok', '--scheduled'], io)).toBe(2);
    expect(io.err()).toContain('--delete cannot be combined with --scheduled');
    expect(p.read()).toBe(text);
  });
});

describe('tag --alias', () => {
  it('to a tag that does not exist is refused up front (exit 1), nothing written', async () => {
    const text = `${head}  tags:\n    - name: ok\n      from: {kind: DockerImage, name: quay.io/org/app:1}\n`;
    const p = project(text);
    const io = captureIO(p.dir);
    expect(await main(['tag', '--alias', 'app:nosuch', 'app:latest'], io)).toBe(1);
    expect(io.err()).toContain('--alias to app:nosuch, which is not declared');
    expect(p.read()).toBe(text);
  });

  it('to a tag that exists writes a follower', async () => {
    const p = project(
      `${head}  tags:\n    - name: ok\n      from: {kind: DockerImage, name: quay.io/org/app:1}\n`,
    );
    expect(await main(['tag', '--alias', 'app:ok', 'app'], captureIO(p.dir))).toBe(0);
    expect(p.read()).toContain(
      '- name: latest\n      from:\n        kind: ImageStreamTag\n        name: ok\n',
    );
    expect(await main(['validate'], captureIO(p.dir))).toBe(0);
  });
});

describe('tag into a stream with no tags', () => {
  it.each([
    ['tags: (null)', `${head}  tags:\n`],
    ['tags: []', `${head}  tags: []\n`],
    ['no tags key', `${head}  lookupPolicy:\n    local: false\n`],
  ])('%s: writes valid YAML that validates', async (_name, text) => {
    const p = project(text);
    expect(await main(['tag', 'quay.io/org/app:1', 'app:first'], captureIO(p.dir))).toBe(0);
    const v = captureIO(p.dir);
    expect(await main(['validate'], v)).toBe(0);
    expect(v.out()).toBe('1 file, 1 tag: valid\n');
    expect(p.read()).not.toContain('tags:[');
  });
});

describe('import --from shares the tag edit', () => {
  it('clears a stale from.namespace and the rolled-back-from note', async () => {
    const p = project(
      `${head}  tags:\n    - name: stable\n      annotations:\n        imagestreams.dev/rolled-back-from: '{"kind":"DockerImage","name":"quay.io/org/app:1"}'\n      from:\n        kind: ImageStreamImage\n        name: app@sha256:${'a'.repeat(64)}\n        namespace: default\n`,
    );
    const io = captureIO(p.dir);
    // The registry is not there: the import fails (exit 1), but the declaration edit comes first.
    expect(await main(['import', 'app:stable', '--from', 'localhost:1/org/app:2'], io)).toBe(1);
    expect(p.read()).toBe(
      `${head}  tags:\n    - name: stable\n      from:\n        kind: DockerImage\n        name: localhost:1/org/app:2\n`,
    );
  });
});
