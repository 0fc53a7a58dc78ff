// `imagestreams verify` end to end on a repository in a temp dir: exit codes, text and JSON output.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/entry/cli.js';
import type { StreamLock } from '../../src/model/lock.js';
import { historyItem, streamLock } from '../helpers/builders.js';
import { captureIO } from '../helpers/capture-io.js';

const PY = `quay.io/mirror/python@sha256:${'1'.repeat(64)}`;
const REDIS = `docker.io/library/redis@sha256:${'2'.repeat(64)}`;

function lock(name: string, tag: string, ref: string): StreamLock {
  const [repo, image] = ref.split('@') as [string, string];
  return streamLock('default', name, { [tag]: [historyItem(repo, image, '2024-05-01T00:00:00Z')] });
}

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"python:3.12"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"},{"from":{"kind":"ImageStreamTag","name":"redis:7"},"fieldPath":"spec.template.spec.containers[1].image"}]'
spec:
  template:
    spec:
      containers:
        - name: web
          image: ${PY}
        - name: cache
          image: ${REDIS}
`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'is-verify-'));
  dirs.push(root);
  const all: Record<string, string> = {
    'imagestreams.lock/default/python.json': JSON.stringify(lock('python', '3.12', PY)),
    'imagestreams.lock/default/redis.json': JSON.stringify(lock('redis', '7', REDIS)),
    'deploy/web.yaml': DEPLOY,
    Dockerfile: `# imagestream: redis:7\nFROM ${REDIS}\n`,
    'compose.yaml': `services:\n  app:\n    image: ${PY} # imagestream: python:3.12\n`,
    'node_modules/x/deploy.yaml': DEPLOY.replace(PY, 'python:3.11'),
    ...files,
  };
  for (const [p, t] of Object.entries(all)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), t);
  }
  return root;
}

async function verify(root: string, ...args: string[]) {
  return verifyWith({}, root, ...args);
}

async function verifyWith(env: Record<string, string>, root: string, ...args: string[]) {
  const io = captureIO(root, { env, now: '2024-06-01T00:00:00Z' });
  const code = await main(['verify', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('imagestreams verify', () => {
  it('exits 0 when every consumer is at its locked digest (node_modules is not looked at)', async () => {
    const r = await verify(repo({}));
    expect(r.out).toBe('');
    expect(r.err).toContain('4 consumers at their locked digests');
    expect(r.code).toBe(0);
  });

  it('reports exactly the one consumer edited by hand, and exits 1', async () => {
    const root = repo({ 'deploy/web.yaml': DEPLOY.replace(`image: ${PY}`, 'image: python:3.12-slim') });
    const r = await verify(root);
    expect(r.out).toBe(
      `deploy/web.yaml:12: Deployment/web container "web" is at python:3.12-slim, lock says ${PY} (run imagestreams reconcile)\n`,
    );
    expect(r.code).toBe(1);
  });

  it('--json lists findings with file, line, target, current and wanted value', async () => {
    const root = repo({ Dockerfile: '# imagestream: redis:7\nFROM redis:7 AS cache\n' });
    const r = await verify(root, '--json');
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ ok: false, consumers: 4, errors: [] });
    expect(json.findings).toEqual([
      {
        file: 'Dockerfile',
        line: 2,
        target: 'FROM stage cache',
        follows: 'default/redis:7',
        status: 'drift',
        current: 'redis:7',
        want: REDIS,
      },
    ]);
    expect(r.code).toBe(1);
  });

  it('fails on a consumer of a tag with no lock, and on a malformed annotation, naming file, object and line', async () => {
    const root = repo({
      'k/job.yaml':
        'kind: Job\nmetadata:\n  name: j\n  annotations:\n    image.openshift.io/triggers: "[{]"\nspec: {}\n',
      'k/pod.yaml': `kind: Pod\nmetadata:\n  name: p\n  annotations:\n    image.openshift.io/triggers: '[{"from":{"name":"ghost:1"},"fieldPath":"spec.containers[0].image"}]'\nspec:\n  containers: [{name: a, image: "ghost:1"}]\n`,
    });
    const r = await verify(root);
    expect(r.out).toContain(
      'k/job.yaml:5: Job/j: the image.openshift.io/triggers annotation is not valid JSON',
    );
    expect(r.out).toContain(
      'k/pod.yaml:7: Pod/p container "a" follows default/ghost:1, which has no locked image (declare the stream tag and run imagestreams reconcile)',
    );
    expect(r.code).toBe(1);
  });

  it('uses the declaration: referencePolicy Local pins to the configured local registry', async () => {
    const local = `registry.local:5000/default/python:3.12@sha256:${'1'.repeat(64)}`;
    const root = repo({
      '.imagestreams.yaml': 'localRegistry: registry.local:5000\n',
      'imagestreams/python.yaml':
        'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: python\nspec:\n  tags:\n    - name: "3.12"\n      from: {kind: DockerImage, name: "python:3.12"}\n      referencePolicy: {type: Local}\n',
    });
    const r = await verify(root);
    expect(r.out).toContain(`is at ${PY}, lock says ${local}`);
    expect(r.code).toBe(1);
  });

  it.each(['tag-and-digest', 'digest'])(
    'with pinFormat %s, consumers at repo@digest and at repo:tag@digest both pass for the locked digest',
    async (format) => {
      const tagged = PY.replace('@', ':3.12-slim@');
      const root = repo({
        '.imagestreams.yaml': `pinFormat: ${format}\n`,
        'imagestreams/python.yaml':
          'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: python\nspec:\n  tags:\n    - name: "3.12"\n      from: {kind: DockerImage, name: "quay.io/mirror/python:3.12-slim"}\n',
        'compose.yaml': `services:\n  app:\n    image: ${tagged} # imagestream: python:3.12\n`,
      });
      const r = await verify(root);
      expect(r.out).toBe('');
      expect(r.code).toBe(0);
      // Another digest under the same tag is still drift.
      const moved = tagged.replace(/@sha256:.*/, `@sha256:${'9'.repeat(64)}`);
      writeFileSync(
        join(root, 'compose.yaml'),
        `services:\n  app:\n    image: ${moved} # imagestream: python:3.12\n`,
      );
      expect((await verify(root)).code).toBe(1);
    },
  );

  it('refuses positional arguments with exit 2', async () => {
    expect((await verify(repo({}), 'extra')).code).toBe(2);
  });
});

describe('imagestreams verify in GitHub Actions and with bad input', () => {
  it('annotates the drifted line inside GitHub Actions', async () => {
    const root = repo({ Dockerfile: '# imagestream: redis:7\nFROM redis:7\n' });
    const r = await verifyWith({ GITHUB_ACTIONS: 'true' }, root);
    expect(r.out).toContain(
      '::error file=Dockerfile,line=2,col=1,title=imagestreams CONSUMER_DRIFT::FROM stage 0 is at redis:7',
    );
    expect(r.code).toBe(1);
  });

  it('rejects an unknown option with exit 2', async () => {
    expect((await verify(repo({}), '--bogus')).code).toBe(2);
  });

  it('reports a lock file that is not a lock, naming the file', async () => {
    const r = await verify(repo({ 'imagestreams.lock/default/redis.json': '{"kind": "nope"}' }));
    expect(r.out).toContain('imagestreams.lock/default/redis.json');
    expect(r.code).toBe(1);
  });

  it('exits 2 when --config names a missing file', async () => {
    expect((await verify(repo({}), '--config', 'missing.yaml')).code).toBe(2);
  });
});
