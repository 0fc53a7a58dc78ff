// verify --registry against the real Distribution registry (behind the fault proxy, which counts and can fail
// requests): a reconciled lock passes with one HEAD per distinct digest; a lock and consumer hand-edited to an
// arbitrary digest, or a hand-edited platform digest, fail at the lock's line with the tag and a fix; a registry
// outside allowedRegistries is never contacted; a rate-limited registry is "could not verify", exit 1.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openProject } from '../../src/app/project.js';
import { runReconcile } from '../../src/app/reconcile.js';
import { verifyRegistry } from '../../src/app/verify-registry.js';
import { main } from '../../src/entry/cli.js';
import type { StreamLock } from '../../src/model/lock.js';
import { silentLogger } from '../../src/util/logger.js';
import { captureIO } from '../helpers/capture-io.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { makeImage, makeIndex, pushImage, pushIndex } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';

let reg: RunningRegistry;
let proxy: FaultProxy;
let base: string;
let dir: string;
let n = 0;
const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
];
const ARBITRARY = `sha256:${'ab'.repeat(32)}`;

beforeAll(async () => {
  reg = await startRegistry();
  proxy = await startFaultProxy(reg.url);
  await pushIndex(reg.url, 'vr/app', ['1'], makeIndex({ seed: 'vr-app', platforms: PLATFORMS }));
  await pushImage(reg.url, 'vr/single', ['1'], makeImage({ seed: 'vr-single' }));
  // One reconciled project, copied for each test.
  base = await mkdtemp(join(tmpdir(), 'imagestreams-verify-registry-'));
  await mkdir(join(base, 'imagestreams'));
  await mkdir(join(base, '.git'));
  await writeFile(join(base, 'imagestreams/app.yaml'), declaration(proxy.host));
  await writeFile(join(base, 'Dockerfile'), '# imagestream: app:1\nFROM scratch\n');
  const r = await runReconcile(captureIO(base), {});
  expect(r.status).toBe('ok');
});
afterAll(async () => {
  await proxy?.close();
  await reg?.stop();
  if (base) await rm(base, { recursive: true, force: true });
});
beforeEach(async () => {
  dir = `${base}-${++n}`;
  await cp(base, dir, { recursive: true });
  proxy.setRule(() => undefined);
  return () => rm(dir, { recursive: true, force: true });
});

function declaration(host: string): string {
  return [
    'kind: ImageStream',
    'metadata: {name: app}',
    'spec:',
    '  tags:',
    '    - name: "1"',
    `      from: {kind: DockerImage, name: "${host}/vr/app:1"}`,
    '      importPolicy: {importMode: PreserveOriginal}',
    '    - name: latest',
    '      from: {kind: ImageStreamTag, name: "1"}',
    '    - name: single',
    `      from: {kind: DockerImage, name: "${host}/vr/single:1"}`,
    '',
  ].join('\n');
}

const LOCK = 'imagestreams.lock/default/app.json';
const lockText = () => readFile(join(dir, LOCK), 'utf8');
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
const verify = async (...args: string[]) => {
  const io = captureIO(dir);
  const code = await main(['verify', '--registry', ...args], io);
  return { code, out: io.out(), err: io.err() };
};
const heads = () => proxy.requests.filter((r) => r.method === 'HEAD' && r.path.includes('/manifests/'));

/** Replace one digest everywhere in the lock and the Dockerfile (a hand edit that keeps verify's consumer check green). */
async function handEdit(from: string, to: string): Promise<void> {
  for (const f of [LOCK, 'Dockerfile']) {
    const p = join(dir, f);
    await writeFile(p, (await readFile(p, 'utf8')).replaceAll(from, to));
  }
}

describe('verify --registry', () => {
  it('passes a reconciled lock with one HEAD per distinct digest, followers deduplicated', async () => {
    const r = await verify('--json');
    expect(r.code, r.out + r.err).toBe(0);
    const json = JSON.parse(r.out);
    // app:1 and app:latest share the index and its two platforms; app:single is one manifest.
    expect(json.registry).toMatchObject({
      ok: true,
      anonymous: false,
      digests: 4,
      verified: 4,
      unverified: 0,
    });
    expect(json.registry.findings).toEqual([]);
    expect(heads()).toHaveLength(4);
    expect(proxy.requests.filter((r) => r.method === 'GET' && r.path.includes('/manifests/'))).toEqual([]);
  });

  it('fails a lock and consumer hand-edited to an arbitrary digest, at the lock line, naming the tag, with a fix', async () => {
    const lock = JSON.parse(await lockText()) as StreamLock;
    const index = lock.status.tags.find((t) => t.tag === '1')!.items[0]!.image;
    await handEdit(index, ARBITRARY);
    const text = await lockText();
    const line = lineOf(text, `"image": "${ARBITRARY}"`);
    const plain = await main(['verify'], captureIO(dir));
    expect(plain).toBe(0); // the consumers agree with the edited lock: only the registry can tell
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${LOCK}:${line}:`);
    expect(r.out).toContain(
      `default/app:1: the locked image ${ARBITRARY} does not exist in ${proxy.host}/vr/app`,
    );
    expect(r.out).toContain('default/app:latest: the locked image');
    expect(r.out).toMatch(/\n {2}fix: The registry does not have this digest/);
    expect(r.err).toContain('verify --registry: 3 of 4 locked digests found');
    // Still one HEAD for the edited digest, shared by both tags.
    expect(heads().filter((h) => h.path.endsWith(ARBITRARY))).toHaveLength(1);
  });

  it('fails a hand-edited platform digest at its line', async () => {
    const lock = JSON.parse(await lockText()) as StreamLock;
    const arm = lock.status.tags[0]!.items[0]!.platforms!.find((p) => p.architecture === 'arm64')!.digest;
    await handEdit(arm, ARBITRARY);
    const text = await lockText();
    const r = await verify('--json');
    expect(r.code).toBe(1);
    const f = JSON.parse(r.out).registry.findings;
    expect(f[0]).toMatchObject({
      file: LOCK,
      line: lineOf(text, `"digest": "${ARBITRARY}"`),
      code: 'LOCKED_DIGEST_UNKNOWN',
      tag: 'default/app:1',
      digest: ARBITRARY,
      hint: expect.stringContaining('restore the lock'),
    });
    expect(f[0].message).toContain('the locked platform linux/arm64 ');
  });

  it('fails a lock pointed at a real image of another repository (LOCKED_REPOSITORY_MISMATCH), without asking', async () => {
    const evil = await pushImage(reg.url, 'vr/evil', ['1'], makeImage({ seed: 'vr-evil' }));
    const lock = JSON.parse(await lockText()) as StreamLock;
    const item = lock.status.tags.find((t) => t.tag === 'single')!.items[0]!;
    const forged = `${proxy.host}/vr/evil@${evil}`;
    await writeFile(
      join(dir, LOCK),
      (await lockText())
        .replace(item.dockerImageReference, forged)
        .replace(`"image": "${item.image}"`, `"image": "${evil}"`),
    );
    const text = await lockText();
    const r = await verify('--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).registry.findings).toEqual([
      expect.objectContaining({
        code: 'LOCKED_REPOSITORY_MISMATCH',
        line: lineOf(text, forged),
        tag: 'default/app:single',
        message: `default/app:single: the lock names ${proxy.host}/vr/evil but the tag declares ${proxy.host}/vr/single`,
      }),
    ]);
    expect(heads().some((h) => h.path.includes('vr/evil'))).toBe(false);
  });

  it('a Local tag is checked in localRegistry too, where its consumers are pinned', async () => {
    await writeFile(join(dir, '.imagestreams.yaml'), `localRegistry: ${proxy.host}/local\n`);
    const decl = join(dir, 'imagestreams/app.yaml');
    await writeFile(
      decl,
      (await readFile(decl, 'utf8')).replace(
        '/vr/single:1"}',
        '/vr/single:1"}\n      referencePolicy: {type: Local}',
      ),
    );
    const missing = JSON.parse((await verify('--json')).out).registry;
    expect(missing.findings).toEqual([
      expect.objectContaining({
        code: 'LOCKED_DIGEST_UNKNOWN',
        tag: 'default/app:single',
        repository: `${proxy.host}/local/default/app`,
      }),
    ]);
    expect(missing.findings[0].message).toContain('the locked image at the local registry');
    await pushImage(reg.url, 'local/default/app', ['single'], makeImage({ seed: 'vr-single' }));
    const copied = JSON.parse((await verify('--json')).out).registry;
    expect(copied).toMatchObject({ ok: true, digests: 5, verified: 5 });
  });

  it('never contacts a registry outside allowedRegistries: an error, exit 1', async () => {
    await writeFile(join(dir, '.imagestreams.yaml'), 'allowedRegistries: [quay.io]\n');
    const r = await verify('--json');
    expect(r.code).toBe(1);
    expect(proxy.requests).toEqual([]);
    const codes = new Set(JSON.parse(r.out).registry.findings.map((f: { code: string }) => f.code));
    expect([...codes]).toEqual(['LOCKED_REGISTRY_NOT_ALLOWED']);
  });

  it('a rate-limited registry is "could not verify" (LOCKED_DIGEST_UNVERIFIED), exit 1, never verified', async () => {
    proxy.setRule((r) =>
      r.path.includes('/manifests/')
        ? { kind: 'respond', status: 429, body: '{"errors":[{"code":"TOOMANYREQUESTS"}]}' }
        : undefined,
    );
    const r = await verify('--json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.ok).toBe(false);
    expect(json.registry).toMatchObject({ ok: false, verified: 0, unverified: 4 });
    const findings = json.registry.findings as { code: string; message: string }[];
    expect(new Set(findings.map((f) => f.code))).toEqual(new Set(['LOCKED_DIGEST_UNVERIFIED']));
    expect(findings[0]!.message).toMatch(/could not verify .*(RATE_LIMITED|429)/);
    // After the first 429 the registry is not asked again (a few HEADs may already have been in flight).
    expect(heads().length).toBeLessThanOrEqual(4);
  });

  it('--anonymous reads no environment variable at all (no credential can be used)', async () => {
    const env = new Proxy<Record<string, string | undefined>>(
      {},
      {
        get: (_t, k) => {
          throw new Error(`read ${String(k)}`);
        },
        ownKeys: () => {
          throw new Error('listed the environment');
        },
      },
    );
    const project = await openProject(dir);
    const r = await verifyRegistry(project, { env, logger: silentLogger, anonymous: true });
    expect(r).toMatchObject({ ok: true, anonymous: true, verified: 4 });
  });

  it('past the deadline nothing more is asked, and what was not answered is unverified (exit 1)', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let arrived!: () => void;
    const first = new Promise<void>((r) => {
      arrived = r;
    });
    proxy.setRule((r) => {
      if (!r.path.includes('/manifests/')) return undefined;
      arrived();
      return { kind: 'hold', until: held };
    });
    const deadline = new AbortController();
    const project = await openProject(dir);
    const running = verifyRegistry(project, {
      env: {},
      logger: silentLogger,
      deadlineSignal: deadline.signal,
    });
    await first;
    deadline.abort();
    const r = await running;
    release();
    expect(r).toMatchObject({ ok: false, verified: 0, unverified: 4 });
    expect(r.findings.every((f) => f.code === 'LOCKED_DIGEST_UNVERIFIED')).toBe(true);
    expect(r.findings[0]!.message).toContain('deadline');
  });

  it('refuses --anonymous or --deadline without --registry, and a bad --deadline (exit 2)', async () => {
    expect(await main(['verify', '--anonymous'], captureIO(dir))).toBe(2);
    expect(await main(['verify', '--registry', '--deadline', 'soon'], captureIO(dir))).toBe(2);
  });
});
