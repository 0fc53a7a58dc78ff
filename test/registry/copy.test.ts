// The copier against two real Distribution registries: an open one (the source, behind a fault proxy) and one with
// token auth (the target, push allowed only with credentials). Every pinned digest must exist after a copy.

import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ImagestreamsError } from '../../src/model/errors.js';
import { parseReference } from '../../src/model/reference.js';
import { staticKeychain } from '../../src/registry/auth/keychain.js';
import { type CopierOptions, createCopier } from '../../src/registry/copy/copier.js';
import { MANIFEST_ACCEPT } from '../../src/registry/mediatypes.js';
import { createLogger } from '../../src/util/logger.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { digestOf, makeIndex, pushIndex } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';
import { startTokenServer, type TokenServer } from '../helpers/token-server.js';

const PUSHER = { username: 'pusher', password: 'mirror-push-secret-9' };
let source: RunningRegistry;
let target: RunningRegistry;
let ts: TokenServer;
let proxy: FaultProxy;
const lines: string[] = [];
const logger = createLogger((l) => lines.push(l), { level: 'debug' });
const idx = makeIndex({
  format: 'oci',
  seed: 'mirror',
  attestation: true,
  platforms: [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ],
});
const copiers: { close(): void }[] = [];

function copier(opts: CopierOptions = {}) {
  const c = createCopier({
    logger,
    clock: { now: () => Date.now(), sleep: async () => {} },
    keychain: staticKeychain({ [target.host]: { kind: 'basic', ...PUSHER } }),
    timeoutMs: 5000,
    ...opts,
  });
  copiers.push(c);
  return c;
}

function status(url: string, method = 'HEAD', headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function failure(p: Promise<unknown>): Promise<ImagestreamsError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ImagestreamsError);
  return e as ImagestreamsError;
}

beforeAll(async () => {
  ts = await startTokenServer({
    anonymous: false,
    users: { [PUSHER.username]: PUSHER.password },
    allowPush: true,
  });
  [source, target] = await Promise.all([startRegistry(), startRegistry({ auth: { token: ts } })]);
  proxy = await startFaultProxy(source.url);
  await pushIndex(source.url, 'team/app', '1.0', idx);
});
afterAll(async () => {
  for (const c of copiers) c.close();
  await proxy?.close();
  await Promise.all([source?.stop(), target?.stop()]);
  await ts?.close();
});
beforeEach(() => proxy.setRule(() => undefined));

/** Every manifest, config and layer of the index, as a target client would pull them. */
async function everythingAt(repo: string, token: string) {
  const h = { authorization: `Bearer ${token}` };
  const blobs = idx.images.flatMap((i) => [i.config, ...i.layers].map((b) => digestOf(b)));
  const manifests = [idx.digest, ...idx.images.map((i) => i.digest)];
  const codes = await Promise.all([
    ...manifests.map((d) =>
      status(`${target.url}/v2/${repo}/manifests/${d}`, 'HEAD', { ...h, accept: MANIFEST_ACCEPT }),
    ),
    ...blobs.map((d) => status(`${target.url}/v2/${repo}/blobs/${d}`, 'HEAD', h)),
  ]);
  return { codes, count: manifests.length + blobs.length };
}

describe('copy to a token-auth registry', () => {
  it('copies a multi-arch index with an attestation, digest preserved, and skips it all the second time', async () => {
    const c = copier();
    const req = {
      source: parseReference(`${proxy.host}/team/app`),
      target: parseReference(`${target.host}/ns/app`),
      digest: idx.digest,
      tag: 'stable',
    };
    const r = await c.copy(req);
    expect(r).toMatchObject({ digest: idx.digest, mediaType: idx.mediaType, size: idx.index.length });
    expect(r.manifests.copied).toBe(4); // index, two platforms, the attestation
    expect(r.blobs.copied).toBe(6);
    const all = await everythingAt('ns/app', ts.mint('ns/app', ['pull']));
    expect(all.codes).toEqual(Array(all.count).fill(200));
    // The token server saw the pusher's credentials only for the target's scopes, never for the source.
    expect(ts.state.scopes.every((s) => s.startsWith('repository:ns/app:'))).toBe(true);
    proxy.setRule(() => undefined);
    const again = await c.copy(req);
    expect(again.manifests).toEqual({ copied: 0, present: 1 });
    expect(proxy.requests.filter((q) => q.path.includes('/blobs/'))).toEqual([]);
  });

  it('mounts blobs across repositories of the same registry instead of streaming them', async () => {
    const token = ts.mint('team/base');
    const pushed = makeIndex({
      format: 'oci',
      seed: 'mount',
      platforms: [{ os: 'linux', architecture: 'amd64' }],
    });
    await pushIndex(target.url, 'team/base', '1', pushed, { authorization: `Bearer ${token}` });
    const r = await copier().copy({
      source: parseReference(`${target.host}/team/base`),
      target: parseReference(`${target.host}/ns/base`),
      digest: pushed.digest,
    });
    expect(r.blobs).toMatchObject({ mounted: 2, copied: 0, bytes: 0 });
    expect(
      await status(`${target.url}/v2/ns/base/manifests/${pushed.digest}`, 'HEAD', {
        authorization: `Bearer ${ts.mint('ns/base', ['pull'])}`,
        accept: pushed.mediaType,
      }),
    ).toBe(200);
  });
});

describe('concurrent copies', () => {
  it('two copies of one image into one repository at once both succeed (shared blobs are uploaded once)', async () => {
    const c = copier();
    const req = (tag: string) => ({
      source: parseReference(`${proxy.host}/team/app`),
      target: parseReference(`${target.host}/ns/twice`),
      digest: idx.digest,
      tag,
    });
    const [a, b] = await Promise.all([c.copy(req('a')), c.copy(req('b'))]);
    expect(a.blobs.copied + b.blobs.copied).toBe(6);
    const blobGets = proxy.requests.filter((q) => q.method === 'GET' && q.path.includes('/blobs/'));
    expect(blobGets).toHaveLength(6);
  });
});

describe('faults', () => {
  const layer = digestOf(idx.images[1]!.layers[0]!);
  const req = (repo: string) => ({
    source: parseReference(`${proxy.host}/team/app`),
    target: parseReference(`${target.host}/${repo}`),
    digest: idx.digest,
  });

  it('retries a broken blob transfer from a fresh upload session', async () => {
    // Cut mid-body: a request reset before any answer on a kept-alive connection is the transport's to resend.
    proxy.setRule((q) => (q.path.endsWith(`/blobs/${layer}`) && q.n === 1 ? { kind: 'cut' } : undefined));
    const r = await copier().copy(req('faults/once'));
    expect(r.retried).toBe(1);
    expect(r.blobs.copied).toBe(6);
  });

  it('resumes a copy that failed: blobs already there are skipped, only the missing one is read again', async () => {
    proxy.setRule((q) => (q.path.endsWith(`/blobs/${layer}`) ? { kind: 'reset' } : undefined));
    const e = await failure(copier({ blobAttempts: 2, retries: 0 }).copy(req('faults/resume')));
    expect(e.code).toBe('REGISTRY_UNAVAILABLE');
    expect(e.permanent).toBe(false);
    proxy.setRule(() => undefined);
    const r = await copier().copy(req('faults/resume'));
    expect(r.blobs.copied).toBe(1);
    expect(r.blobs.copied + r.blobs.present + 2 * r.manifests.present).toBeGreaterThanOrEqual(6);
    const read = proxy.requests.filter((q) => q.method === 'GET' && q.path.includes('/blobs/'));
    expect(read.map((q) => q.path)).toEqual([`/v2/team/app/blobs/${layer}`]);
  });

  it('refuses blob bytes that do not match their digest, and the target never completes that upload', async () => {
    proxy.setRule((q) =>
      q.path.endsWith(`/blobs/${layer}`)
        ? { kind: 'rewrite', body: (b) => Buffer.from(b.toString().toUpperCase()) }
        : undefined,
    );
    const e = await failure(copier({ blobAttempts: 1 }).copy(req('faults/corrupt')));
    expect(e.code).toBe('DIGEST_MISMATCH');
    expect(
      await status(`${target.url}/v2/faults/corrupt/blobs/${layer}`, 'HEAD', {
        authorization: `Bearer ${ts.mint('faults/corrupt', ['pull'])}`,
      }),
    ).toBe(404);
  });

  it('detects a target that lies about the digest of what it stored', async () => {
    const liar = await startFaultProxy(source.url);
    try {
      liar.setRule((q) =>
        q.method === 'HEAD' && q.path === `/v2/copy/liar/manifests/${idx.digest}`
          ? {
              kind: 'rewrite',
              headers: (h) => ({ ...h, 'docker-content-digest': `sha256:${'0'.repeat(64)}` }),
            }
          : undefined,
      );
      const e = await failure(
        copier().copy({
          source: parseReference(`${target.host}/ns/app`),
          target: parseReference(`${liar.host}/copy/liar`),
          digest: idx.digest,
        }),
      );
      expect(e.code).toBe('DIGEST_MISMATCH');
      expect(e.message).toContain('does not serve');
    } finally {
      await liar.close();
    }
  });
});

describe('a target that only lets us pull', () => {
  let pullOnly: TokenServer;
  let readOnly: RunningRegistry;
  beforeAll(async () => {
    pullOnly = await startTokenServer({ anonymous: true, allowPush: false });
    readOnly = await startRegistry({ auth: { token: pullOnly } });
  });
  afterAll(async () => {
    await readOnly?.stop();
    await pullOnly?.close();
  });

  it('fails the push with the copier’s wording: what was refused, the status, and what to configure', async () => {
    const e = await failure(
      copier({ keychain: staticKeychain({}) }).copy({
        source: parseReference(`${proxy.host}/team/app`),
        target: parseReference(`${readOnly.host}/ns/app`),
        digest: idx.digest,
      }),
    );
    expect(e.code).toBe('UNAUTHORIZED');
    expect(e.message).toMatch(/target: start blob upload sha256:[0-9a-f]{64}: HTTP 401 \(UNAUTHORIZED/);
    expect(e.message).toContain(`; configure credentials for ${readOnly.host} (docker login`);
    // The push scope was asked for the target only; the source (an open registry) needed no token.
    expect(pullOnly.state.scopes.some((s) => s === 'repository:ns/app:pull,push')).toBe(true);
  });
});
