// `imagestreams set image-lookup`: the declaration's spec.lookupPolicy.local changes and nothing else (comments,
// order, quoting, JSON files), an unchanged stream stays byte-identical, bad input is refused with nothing
// written; with --publish the declaration edit and the short-name consumers it now governs land in one PR.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeImage, pushImage } from '../../scripts/lib/registry.js';
import { main } from '../../src/entry/cli.js';
import { captureIO } from '../helpers/capture-io.js';
import { fileAt, hostedRepo } from '../helpers/hosted-repo.js';
import { useRealParts } from '../helpers/real-parts.js';

const TOKEN = 'ghs_setlookup_0123456789abcdef';
const parts = useRealParts(TOKEN, 'set-lookup');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'set-lookup-'));
  dirs.push(dir);
  for (const [p, text] of Object.entries(files)) {
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

const PYTHON = `# the python stream
apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: python   # team-wide
spec:
  tags:
    - name: "3.12"
      from: {kind: DockerImage, name: "quay.io/org/python:3.12"}
`;

describe('imagestreams set image-lookup', () => {
  it('turns lookup on with a minimal edit, off again, and leaves a stream already so untouched', async () => {
    const dir = project({ '.imagestreams.yaml': 'namespace: default\n', 'imagestreams/python.yaml': PYTHON });
    const on = await run(dir, 'set', 'image-lookup', 'python');
    expect(on.code, on.err).toBe(0);
    // Appended at the end of spec, as any new key is: nothing else moves.
    const enabled = `${PYTHON}  lookupPolicy:\n    local: true\n`;
    expect(readFileSync(join(dir, 'imagestreams/python.yaml'), 'utf8')).toBe(enabled);
    expect(on.out).toMatch(/^imagestreams\/python\.yaml:\d+: default\/python: image lookup enabled\n$/);

    const again = await run(dir, 'set', 'image-lookup', 'default/python', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({
      files: [],
      changes: [
        {
          stream: 'default/python',
          file: 'imagestreams/python.yaml',
          line: 11,
          from: true,
          to: true,
          changed: false,
        },
      ],
    });
    expect(readFileSync(join(dir, 'imagestreams/python.yaml'), 'utf8')).toBe(enabled);

    const off = await run(dir, 'set', 'image-lookup', 'python', '--enabled=false');
    expect(off.code).toBe(0);
    expect(readFileSync(join(dir, 'imagestreams/python.yaml'), 'utf8')).toBe(
      enabled.replace('local: true', 'local: false'),
    );
    expect((await run(dir, 'describe', 'python')).out).toMatch(/Image Lookup:\s+local=false/);
  });

  it('edits JSON declarations and streams inside a List; --dry-run writes nothing', async () => {
    const json = `{\n  "apiVersion": "image.openshift.io/v1",\n  "kind": "ImageStream",\n  "metadata": {"name": "ruby", "namespace": "team"},\n  "spec": {"lookupPolicy": {"local": false}, "tags": []}\n}\n`;
    const list = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: image.openshift.io/v1\n    kind: ImageStream\n    metadata: {name: go}\n    spec:\n      tags: []\n`;
    const dir = project({ 'imagestreams/ruby.json': json, 'imagestreams/list.yaml': list });
    const dry = await run(dir, 'set', 'image-lookup', '--all', '--dry-run', '--json');
    expect(dry.code, dry.err).toBe(0);
    expect(JSON.parse(dry.out).files.sort()).toEqual(['imagestreams/list.yaml', 'imagestreams/ruby.json']);
    expect(readFileSync(join(dir, 'imagestreams/ruby.json'), 'utf8')).toBe(json);
    expect((await run(dir, 'set', 'image-lookup', '--all')).code).toBe(0);
    expect(readFileSync(join(dir, 'imagestreams/ruby.json'), 'utf8')).toBe(
      json.replace('"local": false', '"local": true'),
    );
    expect(readFileSync(join(dir, 'imagestreams/list.yaml'), 'utf8')).toBe(
      `${list}      lookupPolicy:\n        local: true\n`,
    );
    expect((await run(dir, 'validate')).code).toBe(0);
  });

  it('refuses bad usage and unknown streams with exit 2, writing nothing', async () => {
    const dir = project({ 'imagestreams/python.yaml': PYTHON });
    const cases: [string[], RegExp][] = [
      [
        ['set', 'image-lookup', 'ruby'],
        /image stream default\/ruby is not declared \(declared: default\/python\)/,
      ],
      [['set', 'image-lookup', 'python', '--enabled=maybe'], /--enabled must be true or false, not "maybe"/],
      [['set', 'image-lookup'], /name at least one STREAM, or give --all/],
      [['set', 'image-lookup', 'python', '--all'], /give STREAM names or --all, not both/],
      [['set', 'triggers', 'python'], /unknown resource "triggers": only image-lookup can be set/],
      [['set', 'image-lookup', 'python', 'ruby'], /default\/ruby is not declared/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(dir, ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
    expect(readFileSync(join(dir, 'imagestreams/python.yaml'), 'utf8')).toBe(PYTHON);
    const help = await run(dir, 'set', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: imagestreams set image-lookup STREAM…');
  });

  it('refuses to edit invalid declarations, naming the file and line', async () => {
    const broken = PYTHON.replace('    - name: "3.12"', '    - name: "3.12!"');
    const dir = project({ 'imagestreams/python.yaml': broken });
    const r = await run(dir, 'set', 'image-lookup', 'python');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/imagestreams\/python\.yaml:8:\d+: tag name "3\.12!" is invalid/);
    expect(readFileSync(join(dir, 'imagestreams/python.yaml'), 'utf8')).toBe(broken);
  });

  it('--publish pull-request: one PR carries the declaration edit and the short names it now pins', async () => {
    const image = makeImage({ seed: 'set-lookup-1' });
    await pushImage(parts.reg.url, 'org/python', '3.12', image);
    const declaration = PYTHON.replace('quay.io/org/python:3.12', `${parts.reg.host}/org/python:3.12`);
    const deployment =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: python:3.12\n';
    const repo = await hostedRepo(
      parts.server,
      parts.work,
      'lookup',
      { 'imagestreams/python.yaml': declaration, 'deploy/web.yaml': deployment },
      TOKEN,
    );
    try {
      const dir = await repo.checkout();
      const env = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/lookup', GITHUB_API_URL: repo.api.url };
      const first = captureIO(dir, { env });
      expect(await main(['reconcile', '--publish', 'commit'], first), first.err()).toBe(0);
      const io = captureIO(dir, { env });
      expect(await main(['set', 'image-lookup', 'python', '--publish', 'pull-request'], io), io.err()).toBe(
        0,
      );
      expect(repo.api.pulls).toHaveLength(1);
      const head = repo.api.pulls[0]!.head;
      expect(await fileAt(repo.bare, head, 'imagestreams/python.yaml')).toContain(
        'lookupPolicy:\n    local: true\n',
      );
      expect(await fileAt(repo.bare, head, 'deploy/web.yaml')).toBe(
        deployment.replace(
          'image: python:3.12',
          `image: ${parts.reg.host}/org/python:3.12@${image.digest} # imagestream: python:3.12`,
        ),
      );
      expect(repo.api.violations).toEqual([]);
    } finally {
      await repo.api.close();
    }
  }, 60_000);
});
