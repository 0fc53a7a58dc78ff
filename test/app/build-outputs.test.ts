// BuildConfig `spec.output.to`: validate refuses an ImageStreamTag output that names no declared stream tag (at
// the line of output.to.name, saying how to fix it), and describe shows which BuildConfigs feed each tag.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/entry/cli.js';
import { captureIO } from '../helpers/capture-io.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'build-outputs-'));
  dirs.push(dir);
  const all = { '.imagestreams.yaml': 'namespace: default\n', ...files };
  for (const [p, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

async function run(dir: string, ...argv: string[]) {
  const io = captureIO(dir);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const STREAMS = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app}
spec:
  tags:
    - name: main
      from: {kind: DockerImage, name: quay.io/org/app:main}
    - name: latest
      from: {kind: ImageStreamTag, name: main}
---
apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: ci}
spec:
  tags:
    - name: nightly
      from: {kind: DockerImage, name: quay.io/org/app:nightly}
`;

function buildConfig(name: string, to: string): string {
  return `apiVersion: build.openshift.io/v1
kind: BuildConfig
metadata:
  name: ${name}
spec:
  strategy:
    dockerStrategy: {}
  output:
    to: ${to}
`;
}

describe('BuildConfig output.to', () => {
  it('accepts outputs naming declared stream tags (a bare name is :latest; output.to.namespace counts)', async () => {
    const dir = project({
      'imagestreams/app.yaml': STREAMS,
      'openshift/main.yaml': buildConfig('main', '{kind: ImageStreamTag, name: "app:main"}'),
      'openshift/bare.yaml': buildConfig('bare', '{kind: ImageStreamTag, name: app}'),
      'openshift/ci.yaml': buildConfig('ci', '{kind: ImageStreamTag, name: "app:nightly", namespace: ci}'),
      'openshift/docker.yaml': buildConfig('docker', '{kind: DockerImage, name: "quay.io/org/other:1"}'),
    });
    const r = await run(dir, 'validate');
    expect(r.code, r.out).toBe(0);
    // They were found (not merely skipped): describe lists them.
    const described = (await run(dir, 'describe', 'default/app')).out;
    expect(described).toContain('Built by BuildConfig/main (openshift/main.yaml:9)');
    expect(described).toContain('Built by BuildConfig/bare (openshift/bare.yaml:9)');
    expect(described).not.toContain('BuildConfig/docker');
  });

  it('refuses an output naming an undeclared stream or tag, or no stream tag, at its line with the fix', async () => {
    const dir = project({
      'imagestreams/app.yaml': STREAMS,
      'openshift/tag.yaml': buildConfig('tag', '{kind: ImageStreamTag, name: "app:feature"}'),
      'openshift/stream.yaml': buildConfig('stream', '\n      kind: ImageStreamTag\n      name: "web:main"'),
      'openshift/invalid.yaml': buildConfig('invalid', '{kind: ImageStreamTag, name: "App:Main!"}'),
    });
    const r = await run(dir, 'validate', '--json');
    expect(r.code).toBe(1);
    const diags = JSON.parse(r.out).diagnostics as {
      file: string;
      line: number;
      code: string;
      message: string;
    }[];
    expect(diags.map((d) => [d.file, d.line, d.code])).toEqual([
      ['openshift/invalid.yaml', 9, 'BUILD_OUTPUT_INVALID'],
      ['openshift/stream.yaml', 11, 'BUILD_OUTPUT_UNDECLARED'],
      ['openshift/tag.yaml', 9, 'BUILD_OUTPUT_UNDECLARED'],
    ]);
    expect(diags[1]!.message).toBe(
      'BuildConfig/stream: output.to names default/web:main, but no image stream default/web is declared: declare it (`imagestreams import default/web:main --from REPO@DIGEST --confirm` records the first build and creates it), or point output.to at a declared stream tag',
    );
    expect(diags[2]!.message).toContain(
      'imagestreams/app.yaml declares no tag feature in app (tags: main, latest)',
    );
    const text = await run(dir, 'validate');
    expect(text.out).toMatch(
      /^openshift\/tag\.yaml:9:\d+: BuildConfig\/tag: output\.to names default\/app:feature/m,
    );
    // Given PATHs, validate checks those declarations only: the BuildConfigs are not its business then.
    expect((await run(dir, 'validate', 'imagestreams/app.yaml')).code).toBe(0);
  });

  it('describe shows which BuildConfigs feed each tag (text and --json)', async () => {
    const dir = project({
      'imagestreams/app.yaml': STREAMS,
      'openshift/main.yaml': buildConfig('main', '{kind: ImageStreamTag, name: "app:main"}'),
      'openshift/ci.yaml': buildConfig('ci', '{kind: ImageStreamTag, name: "app:nightly", namespace: ci}'),
    });
    const text = await run(dir, 'describe', 'default/app');
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain('\n  Built by BuildConfig/main (openshift/main.yaml:9)\n');
    expect(text.out).not.toContain('BuildConfig/ci');
    const json = JSON.parse((await run(dir, 'describe', 'ci/app', '--json')).out);
    expect(json.tags).toEqual([
      expect.objectContaining({ name: 'nightly', builtBy: ['BuildConfig/ci (openshift/ci.yaml:9)'] }),
    ]);
  });
});
