// Image lookup (`spec.lookupPolicy.local: true`), end to end against a real registry: a workload in the stream's
// namespace that names `stream:tag` by its short name is pinned by reconcile (with a marker, so it keeps following
// the tag) and checked by verify; one in another namespace, or naming a stream without local lookup, is left alone.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage, pushImage, type RunningRegistry, startRegistry } from '../../scripts/lib/registry.js';
import { main } from '../../src/entry/cli.js';
import { captureIO } from '../helpers/capture-io.js';

let reg: RunningRegistry;
let dir: string;

beforeAll(async () => {
  reg = await startRegistry();
  dir = mkdtempSync(join(tmpdir(), 'image-lookup-'));
});
afterAll(async () => {
  await reg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function write(path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}
const read = (path: string) => readFileSync(join(dir, path), 'utf8');

function stream(name: string, namespace: string, local: boolean): string {
  return `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  lookupPolicy:
    local: ${local}
  tags:
    - name: "3.12"
      from: {kind: DockerImage, name: "${reg.host}/lookup/${name}:3.12"}
      importPolicy: {scheduled: true}
    - name: latest
      from: {kind: ImageStreamTag, name: "3.12"}
`;
}

function deployment(namespace: string, image: string, extra = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: ${image}${extra}
      containers:
        - name: web
          image: "python"   # the app
        - name: sidecar
          image: docker.io/library/busybox:1
`;
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO(dir);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('image lookup', () => {
  it('pins short names in the stream namespace, verifies them, follows moves; leaves the rest alone', async () => {
    const v1 = makeImage({ seed: 'lookup-1' });
    await Promise.all([
      pushImage(reg.url, 'lookup/python', '3.12', v1),
      pushImage(reg.url, 'lookup/ruby', '3.12', makeImage({ seed: 'ruby-1' })),
    ]);
    write('.imagestreams.yaml', 'namespace: default\n');
    write('imagestreams/python.yaml', stream('python', 'team', true));
    write('imagestreams/ruby.yaml', stream('ruby', 'team', false));
    const same = deployment('team', 'python:3.12');
    const other = deployment('elsewhere', 'python:3.12');
    const noLookup = deployment('team', 'ruby:3.12').replace('"python"', '"ruby"');
    write('deploy/team.yaml', same);
    write('deploy/other.yaml', other);
    write('deploy/ruby.yaml', noLookup);

    // Before the first reconcile, verify finds the short names unlocked.
    const before = await run('verify', '--json');
    expect(before.code).toBe(1);
    const findings = JSON.parse(before.out).findings;
    expect(findings.map((f: { target: string }) => f.target).sort()).toEqual([
      'Deployment/web container "web"',
      'Deployment/web initContainer "migrate"',
    ]);

    expect((await run('reconcile')).code).toBe(0);
    const pin1 = `${reg.host}/lookup/python:3.12@${v1.digest}`;
    expect(read('deploy/team.yaml')).toBe(
      same
        .replace('image: python:3.12', `image: ${pin1} # imagestream: team/python:3.12`)
        .replace(
          'image: "python"   # the app',
          `image: "${pin1}" # imagestream: team/python:latest   # the app`,
        ),
    );
    expect(read('deploy/other.yaml')).toBe(other);
    expect(read('deploy/ruby.yaml')).toBe(noLookup);
    expect((await run('verify')).code).toBe(0);

    // Upstream moves: the pinned values follow through their markers; nothing else changes.
    const v2 = makeImage({ seed: 'lookup-2' });
    await pushImage(reg.url, 'lookup/python', '3.12', v2);
    expect((await run('reconcile')).code).toBe(0);
    const pinned = read('deploy/team.yaml');
    expect(pinned).toContain(
      `image: ${reg.host}/lookup/python:3.12@${v2.digest} # imagestream: team/python:3.12\n`,
    );
    expect(pinned).toContain(
      `image: "${reg.host}/lookup/python:3.12@${v2.digest}" # imagestream: team/python:latest   # the app\n`,
    );
    expect(pinned.match(/# imagestream:/g)).toHaveLength(2);
    expect(read('deploy/other.yaml')).toBe(other);
    expect((await run('verify')).code).toBe(0);

    // A third run with nothing new writes nothing.
    const again = JSON.parse((await run('reconcile', '--json')).out);
    expect(again.written).toEqual([]);
  }, 60_000);

  it('a short name it cannot mark (flow style) is a warning and is not rewritten', async () => {
    const flow = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team}
spec:
  containers: [{name: c, image: "python:3.12"}]
`;
    write('deploy/flow.yaml', flow);
    const r = await run('verify', '--json');
    const out = JSON.parse(r.out);
    expect(out.warnings.map((w: { code: string }) => w.code)).toContain('LOOKUP_NOT_PINNABLE');
    expect(out.findings).toEqual([]);
    expect((await run('reconcile')).code).toBe(0);
    expect(read('deploy/flow.yaml')).toBe(flow);
    rmSync(join(dir, 'deploy/flow.yaml'));
  }, 60_000);
});
