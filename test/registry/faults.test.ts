import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ImagestreamsError } from '../../src/model/errors.js';
import { parseReference } from '../../src/model/reference.js';
import { staticKeychain } from '../../src/registry/auth/keychain.js';
import { createRegistryClient, type RegistryClientOptions } from '../../src/registry/client.js';
import { createRunResolver } from '../../src/registry/run-resolver.js';
import { TransportError } from '../../src/registry/transport/http.js';
import { createLogger } from '../../src/util/logger.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { pushSampleImages } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';

const PASSWORD = 'proxy-test-password-777';
let open: RunningRegistry;
let basic: RunningRegistry;
let p: FaultProxy;
let pb: FaultProxy;
let samples: Awaited<ReturnType<typeof pushSampleImages>>;
let sleeps: number[];
const lines: string[] = [];
const errors: string[] = [];
const logger = createLogger((l) => lines.push(l), { level: 'debug' });
const ref = (s: string, proxy: FaultProxy = p) => parseReference(`${proxy.host}/${s}`);
const clients: { close(): void }[] = [];

function mk(opts: RegistryClientOptions = {}) {
  const c = createRegistryClient({
    logger,
    clock: { now: () => Date.now(), sleep: async (ms) => void sleeps.push(ms) },
    timeoutMs: 300,
    retries: 2,
    ...opts,
  });
  clients.push(c);
  return c;
}

async function failure(promise: Promise<unknown>): Promise<ImagestreamsError> {
  const e = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ImagestreamsError);
  const ie = e as ImagestreamsError;
  errors.push(ie.message, JSON.stringify(ie.data));
  return ie;
}

beforeAll(async () => {
  open = await startRegistry();
  samples = await pushSampleImages(open.url);
  basic = await startRegistry({ dataDir: open.dataDir, auth: { htpasswd: { users: { alice: PASSWORD } } } });
  p = await startFaultProxy(open.url);
  pb = await startFaultProxy(basic.url);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all([p?.close(), pb?.close(), basic?.stop()]);
  await open?.stop();
});
beforeEach(() => {
  sleeps = [];
  p.setRule(() => undefined);
  pb.setRule(() => undefined);
});

const isManifest = (r: { path: string }) => r.path.includes('/manifests/');

describe('temporary failures are retried, then reported', () => {
  for (const status of [500, 502, 503]) {
    it(`retries HTTP ${status} with backoff and succeeds`, async () => {
      p.setRule((r) => (isManifest(r) && r.n <= 2 ? { kind: 'respond', status } : undefined));
      const r = await mk().resolve(ref('sample/docker:1.0'));
      expect(r.digest).toBe(samples.docker.digest);
      expect(sleeps).toEqual([500, 1000]);
    });
  }

  it('reports a registry that keeps failing as REGISTRY_UNAVAILABLE (temporary) naming registry and reference', async () => {
    p.setRule(() => ({
      kind: 'respond',
      status: 503,
      body: '{"errors":[{"code":"UNAVAILABLE","message":"down"}]}',
    }));
    const e = await failure(mk().resolve(ref('sample/docker:1.0')));
    expect(e.code).toBe('REGISTRY_UNAVAILABLE');
    expect(e.permanent).toBe(false);
    expect(e.message).toContain(`${p.host}: ${p.host}/sample/docker:1.0`);
    expect(e.data).toMatchObject({ registry: p.host, status: 503 });
    expect(p.requests.length).toBe(3);
  });

  it('turns an HTML error page into a readable error', async () => {
    p.setRule((r) => ({
      kind: 'respond',
      status: r.method === 'HEAD' ? 200 : 502,
      headers: { 'content-type': 'text/html' },
      body: '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>',
    }));
    const e = await failure(mk({ retries: 0 }).resolve(ref('sample/docker:1.0')));
    expect(e.code).toBe('REGISTRY_UNAVAILABLE');
    expect(e.message).toContain('HTTP 502 Bad Gateway (an HTML page');
    expect(e.message).not.toContain('nginx');
    expect(e.message).not.toContain('<html');
  });

  it('turns an HTML page answered with 200 into BAD_RESPONSE', async () => {
    p.setRule((r) =>
      isManifest(r)
        ? {
            kind: 'respond',
            status: 200,
            headers: { 'content-type': 'text/html' },
            body: '<html><title>Sign in</title></html>',
          }
        : undefined,
    );
    const e = await failure(mk().resolve(ref('sample/docker:1.0')));
    expect(e.code).toBe('BAD_RESPONSE');
    expect(e.message).toContain('an HTML page, not a registry API answer');
    expect(e.message).not.toContain('Sign in');
  });

  it('retries a connection reset', async () => {
    p.setRule((r) => (isManifest(r) && r.n === 1 ? { kind: 'reset' } : undefined));
    expect((await mk().resolve(ref('sample/oci:1.0'))).digest).toBe(samples.oci.digest);
    expect(sleeps).toHaveLength(1);
  });

  it('times out a slow response and retries it', async () => {
    p.setRule((r) => (isManifest(r) && r.n === 1 ? { kind: 'delay', ms: 1500 } : undefined));
    const t0 = Date.now();
    expect((await mk().resolve(ref('sample/oci:1.0'))).digest).toBe(samples.oci.digest);
    expect(Date.now() - t0).toBeLessThan(1200);
    expect(sleeps).toHaveLength(1);
  });

  it('reports timeouts that persist', async () => {
    p.setRule(() => ({ kind: 'delay', ms: 1000 }));
    const e = await failure(mk({ retries: 1, timeoutMs: 150 }).resolve(ref('sample/oci:1.0')));
    expect(e.code).toBe('REGISTRY_UNAVAILABLE');
    expect(e.message).toMatch(/no complete response within 150 ms/);
  });
});

describe('429 and rate limits', () => {
  it('honours a short Retry-After and succeeds', async () => {
    p.setRule((r) =>
      isManifest(r) && r.n === 1
        ? { kind: 'respond', status: 429, headers: { 'retry-after': '2' } }
        : undefined,
    );
    expect((await mk().resolve(ref('sample/docker:1.0'))).digest).toBe(samples.docker.digest);
    expect(sleeps).toEqual([2000]);
  });

  it('stops asking a registry after a 429 it will not wait out; keeps what resolved; reports what was skipped', async () => {
    const client = mk({ maxRetryAfterMs: 5000 });
    const run = createRunResolver(client);
    const first = await run.resolve(ref('sample/docker:1.0'));
    p.setRule((r) =>
      isManifest(r) ? { kind: 'respond', status: 429, headers: { 'retry-after': '3600' } } : undefined,
    );
    const limited = await failure(run.resolve(ref('sample/oci:1.0')));
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.permanent).toBe(false);
    const before = p.requests.length;
    const skipped = await failure(run.resolve(ref('sample/list:1.0')));
    expect(skipped).toMatchObject({ code: 'RATE_LIMITED', permanent: false, data: { skipped: true } });
    expect(p.requests.length).toBe(before);
    // already-resolved refs stay available
    expect((await run.resolve(ref('sample/docker:1.0'))).digest).toBe(first.digest);
    expect(run.report()).toEqual({
      resolved: 1,
      failed: 1,
      skipped: [`${p.host}/sample/list:1.0`],
      rateLimited: [{ registry: p.host, retryAfter: '3600' }],
    });
    expect(sleeps).toEqual([]);
  });

  it('reads rate-limit headers and reports them in stats', async () => {
    p.setRule(() => ({
      kind: 'rewrite',
      headers: (h) => ({ ...h, 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '5;w=21600' }),
    }));
    const c = mk();
    await c.resolve(ref('sample/docker:1.0'));
    expect(c.stats().hosts[p.host]?.rateLimit).toEqual({ limit: 100, remaining: 5, windowSeconds: 21600 });
    expect(lines.some((l) => l.includes('rate limit nearly used up'))).toBe(true);
  });
});

describe('digests', () => {
  const dropDigest = (h: Record<string, string>) => {
    const { 'docker-content-digest': _d, ...rest } = h;
    return rest;
  };

  it('falls back to GET and hashes the body when the digest header is missing', async () => {
    p.setRule((r) => (r.method === 'HEAD' ? { kind: 'rewrite', headers: dropDigest } : undefined));
    const r = await mk().resolve(ref('sample/docker:1.0'));
    expect(r.digest).toBe(samples.docker.digest);
    expect(p.requests.map((x) => x.method)).toEqual(['HEAD', 'GET']);
  });

  it('falls back to GET when the digest header is malformed', async () => {
    p.setRule(() => ({
      kind: 'rewrite',
      headers: (h) => ({
        ...h,
        'docker-content-digest': (h['docker-content-digest'] ?? '').replace('sha256:', ''),
      }),
    }));
    const r = await mk().resolve(ref('sample/list:1.0'), { importMode: 'PreserveOriginal' });
    expect(r.digest).toBe(samples.list.digest);
    expect(r.platforms).toHaveLength(3);
  });

  it('fails with DIGEST_MISMATCH when a GET carries a digest header that disagrees with the bytes', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    p.setRule((r) =>
      r.method === 'HEAD'
        ? { kind: 'rewrite', headers: dropDigest }
        : { kind: 'rewrite', headers: (h) => ({ ...h, 'docker-content-digest': wrong }) },
    );
    const e = await failure(mk().resolve(ref('sample/docker:1.0')));
    expect(e.code).toBe('DIGEST_MISMATCH');
    expect(e.message).toContain(p.host);
    expect(e.message).toContain('sample/docker:1.0');
    expect(e.data).toMatchObject({ registry: p.host, header: wrong, computed: samples.docker.digest });
  });

  it('fails with DIGEST_MISMATCH when an index body does not match the digest it was fetched by', async () => {
    p.setRule((r) =>
      r.method === 'GET' && isManifest(r)
        ? { kind: 'rewrite', headers: dropDigest, body: (b) => Buffer.concat([b, Buffer.from(' ')]) }
        : undefined,
    );
    const e = await failure(mk().resolve(ref('sample/index:1.0')));
    expect(e.code).toBe('DIGEST_MISMATCH');
    expect(e.message).toContain(`${p.host}/sample/index:1.0`);
    expect(e.data).toMatchObject({ expected: samples.index.digest });
  });
});

describe('transport policy', () => {
  it('follows a redirect to another host without the Authorization header', async () => {
    const seen: (string | undefined)[] = [];
    const storage = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(samples.docker.image.config);
    });
    await new Promise<void>((r) => storage.listen(0, '127.0.0.1', r));
    const port = (storage.address() as { port: number }).port;
    pb.setRule((r) =>
      r.path.includes('/blobs/') && r.headers.authorization
        ? {
            kind: 'respond',
            status: 307,
            headers: { location: `http://localhost:${port}/blob?X-Amz-Signature=abc` },
          }
        : undefined,
    );
    const c = mk({
      keychain: staticKeychain({ [pb.host]: { kind: 'basic', username: 'alice', password: PASSWORD } }),
    });
    const r = await c.resolve(ref('sample/docker:1.0', pb), { withMetadata: true });
    expect(r.metadata?.revision).toBe('abc123');
    expect(seen).toEqual([undefined]);
    const manifests = pb.requests.filter((x) => x.path.includes('/manifests/'));
    expect(manifests.slice(1).every((x) => x.headers.authorization)).toBe(true);
    storage.closeAllConnections();
    await new Promise((r2) => storage.close(r2));
  });

  it('tries HTTPS first for an insecure registry and falls back to plain HTTP', async () => {
    const c = mk({ isInsecure: (d) => d === p.host });
    expect((await c.resolve(ref('sample/docker:1.0'))).digest).toBe(samples.docker.digest);
    expect((await c.resolve(ref('sample/oci:1.0'))).digest).toBe(samples.oci.digest);
  });

  it('refuses an untrusted certificate on a secure registry with a hint (NOT_ALLOWED)', async () => {
    const c = mk({
      send: async () => {
        throw new TransportError(
          'tls',
          'TLS failure (DEPTH_ZERO_SELF_SIGNED_CERT)',
          'DEPTH_ZERO_SELF_SIGNED_CERT',
        );
      },
    });
    const e = await failure(c.resolve(parseReference('registry.example.com/app:1')));
    expect(e.code).toBe('NOT_ALLOWED');
    expect(e.message).toMatch(/mark it insecure/);
  });

  it('asks the origin what a tag is and reads the index by digest through a configured mirror', async () => {
    const pm = await startFaultProxy(open.url);
    try {
      const c = mk({ mirrors: { [p.host]: [pm.host] } });
      const r = await c.resolve(ref('sample/index:1.0'), { importMode: 'PreserveOriginal' });
      expect(r.digest).toBe(samples.index.digest);
      expect(p.requests.map((q) => q.method)).toEqual(['HEAD']);
      expect(pm.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
        `GET /v2/sample/index/manifests/${samples.index.digest}`,
      ]);
    } finally {
      await pm.close();
    }
  });

  it('bounds concurrent requests per registry', async () => {
    let inflight = 0;
    let peak = 0;
    p.setRule(() => {
      inflight++;
      peak = Math.max(peak, inflight);
      setTimeout(() => inflight--, 40);
      return { kind: 'delay', ms: 40 };
    });
    const c = mk({ concurrencyPerRegistry: 3 });
    await Promise.all(
      ['1.0', 'latest'].flatMap((t) => ['a', 'b', 'c', 'd'].map(() => c.resolve(ref(`sample/docker:${t}`)))),
    );
    expect(peak).toBeLessThanOrEqual(3);
  });

  it('logs each request at debug level with its method, URL, status and milliseconds', async () => {
    lines.length = 0;
    await mk().resolve(ref('sample/oci:1.0'));
    const line = lines.find((l) => l.startsWith('debug: registry request '));
    expect(line).toMatch(
      new RegExp(
        `^debug: registry request method=HEAD url=http://${p.host.replace(/[.]/g, '\\.')}/v2/sample/oci/manifests/1\\.0 status=200 ms=\\d`,
      ),
    );
  });

  it('names the URL an error came from with its user info and secret query values masked', async () => {
    p.setRule((r) =>
      isManifest(r) && !r.path.includes('sig=')
        ? {
            kind: 'respond',
            status: 307,
            headers: { location: `http://u:url-secret-42@${p.host}/v2/sample/docker/manifests/nope?sig=abc` },
          }
        : undefined,
    );
    const e = await failure(mk({ retries: 0 }).resolve(ref('sample/docker:1.0')));
    expect(e.code).toBe('MANIFEST_UNKNOWN');
    expect(e.data.url).toBe(`http://REDACTED@${p.host}/v2/sample/docker/manifests/nope?sig=REDACTED`);
    expect(JSON.stringify([e.message, e.data])).not.toContain('url-secret-42');
  });

  it('never shows a password or Authorization value in logs or errors', async () => {
    pb.setRule(() => ({ kind: 'respond', status: 500, body: `echo ${PASSWORD}` }));
    const c = mk({
      retries: 0,
      keychain: staticKeychain({ [pb.host]: { kind: 'basic', username: 'alice', password: PASSWORD } }),
    });
    await failure(c.resolve(ref('sample/docker:1.0', pb)));
    const all = [...lines, ...errors].join('\n');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(Buffer.from(`alice:${PASSWORD}`).toString('base64'));
    expect(all).not.toContain('X-Amz-Signature=abc');
  });
});
