import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReference } from '../../src/model/reference.js';
import { defaultKeychain } from '../../src/registry/auth/default-keychain.js';
import { staticKeychain } from '../../src/registry/auth/keychain.js';
import { createRegistryClient } from '../../src/registry/client.js';
import { DOCKER_MANIFEST } from '../../src/registry/mediatypes.js';
import type { Clock } from '../../src/util/clock.js';
import { createLogger } from '../../src/util/logger.js';
import { pushSampleImages } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';
import { startTokenServer, type TokenServer } from '../helpers/token-server.js';

const PASSWORD = 'hunter2-very-secret';
const TOKEN_USER_PASSWORD = 'tok-secret-pw-42';
let open: RunningRegistry;
let basic: RunningRegistry;
let tokenReg: RunningRegistry;
let privateReg: RunningRegistry;
let ts: TokenServer;
let privTs: TokenServer;
let samples: Awaited<ReturnType<typeof pushSampleImages>>;
let work: string;
const lines: string[] = [];
const logger = createLogger((l) => lines.push(l), { level: 'debug' });
const ref = (r: RunningRegistry, s: string) => parseReference(`${r.host}/${s}`);

beforeAll(async () => {
  open = await startRegistry();
  samples = await pushSampleImages(open.url);
  ts = await startTokenServer({});
  privTs = await startTokenServer({ anonymous: false, users: { bob: TOKEN_USER_PASSWORD } });
  [basic, tokenReg, privateReg] = await Promise.all([
    startRegistry({ dataDir: open.dataDir, auth: { htpasswd: { users: { alice: PASSWORD } } } }),
    startRegistry({ dataDir: open.dataDir, auth: { token: ts } }),
    startRegistry({ dataDir: open.dataDir, auth: { token: privTs } }),
  ]);
  work = mkdtempSync(join(tmpdir(), 'imagestreams-auth-'));
});
afterAll(async () => {
  await Promise.all([basic?.stop(), tokenReg?.stop(), privateReg?.stop()]);
  await open?.stop();
  await Promise.all([ts?.close(), privTs?.close()]);
  rmSync(work, { recursive: true, force: true });
});

describe('Basic auth (htpasswd)', () => {
  it('answers the Basic challenge with configured credentials and then sends them up front', async () => {
    const client = createRegistryClient({
      logger,
      keychain: staticKeychain({ [basic.host]: { kind: 'basic', username: 'alice', password: PASSWORD } }),
    });
    const a = await client.resolve(ref(basic, 'sample/docker:1.0'));
    expect(a.digest).toBe(samples.docker.digest);
    const before = client.stats().requests;
    await client.resolve(ref(basic, 'sample/oci:1.0'));
    expect(client.stats().requests - before).toBe(1);
    client.close();
  });

  it('fails with UNAUTHORIZED telling how to fix it when anonymous', async () => {
    const client = createRegistryClient({ logger });
    const err = await client.resolve(ref(basic, 'sample/docker:1.0')).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'UNAUTHORIZED',
      permanent: true,
      data: { registry: basic.host, status: 401 },
    });
    expect((err as Error).message).toMatch(/configure credentials/);
    client.close();
  });

  it('fails with UNAUTHORIZED on wrong credentials without echoing them', async () => {
    const client = createRegistryClient({
      logger,
      keychain: staticKeychain({
        [basic.host]: { kind: 'basic', username: 'alice', password: 'wrong-password-xyz' },
      }),
    });
    const err = await client.resolve(ref(basic, 'sample/docker:1.0')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(JSON.stringify({ m: (err as Error).message, d: (err as { data: unknown }).data })).not.toContain(
      'wrong-password-xyz',
    );
    client.close();
  });
});

describe('Bearer token auth', () => {
  it('fetches one token per repository and no 401 after the first challenge', async () => {
    const client = createRegistryClient({ logger });
    const issued = ts.state.tokensIssued;
    await Promise.all([
      client.resolve(ref(tokenReg, 'sample/docker:1.0')),
      client.resolve(ref(tokenReg, 'sample/docker:latest')),
      client.resolve(ref(tokenReg, 'sample/oci:1.0')),
      client.resolve(ref(tokenReg, 'sample/list:1.0')),
    ]);
    const s = client.stats();
    expect(s.tokensFetched).toBe(3);
    expect(ts.state.tokensIssued - issued).toBe(3);
    // 4 HEADs + 1 GET (index) + one 401 (the first challenge only)
    expect(s.hosts[tokenReg.host]!.requests).toBe(6);
    const again = await client.resolve(ref(tokenReg, 'sample/docker:1.0'));
    expect(again.digest).toBe(samples.docker.digest);
    expect(client.stats().tokensFetched).toBe(3);
    client.close();
  });

  it('a conditional HEAD goes through the challenge and its token, and the registry answers 304', async () => {
    const seen: string[] = [];
    const watched = createLogger((l) => seen.push(l), { level: 'debug' });
    const client = createRegistryClient({ logger: watched });
    const current = { digest: samples.docker.digest, mediaType: DOCKER_MANIFEST };
    // The first answer (after the 401 challenge) shows digest ETags; the second HEAD asks conditionally.
    await client.resolve(ref(tokenReg, 'sample/docker:1.0'), { current });
    seen.length = 0;
    const r = await client.resolve(ref(tokenReg, 'sample/docker:latest'), {
      current,
      known: [samples.docker.digest],
    });
    expect(r.digest).toBe(samples.docker.digest);
    expect(
      seen.filter((l) => l.includes('registry request')).map((l) => /status=(\d+)/.exec(l)?.[1]),
    ).toEqual(['304']);
    client.close();
  });

  it('refetches a token after it expires (injected clock)', async () => {
    let now = Date.now();
    const clock: Clock = { now: () => now, sleep: async () => {} };
    const client = createRegistryClient({ logger, clock });
    await client.resolve(ref(tokenReg, 'sample/docker:1.0'));
    await client.resolve(ref(tokenReg, 'sample/docker:1.0'));
    expect(client.stats().tokensFetched).toBe(1);
    now += 301_000;
    await client.resolve(ref(tokenReg, 'sample/docker:1.0'));
    expect(client.stats().tokensFetched).toBe(2);
    client.close();
  });

  it('sends Basic credentials to the token server when the registry requires a login', async () => {
    const anon = createRegistryClient({ logger });
    await expect(anon.resolve(ref(privateReg, 'sample/docker:1.0'))).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    anon.close();
    const client = createRegistryClient({
      logger,
      keychain: staticKeychain({
        [privateReg.host]: { kind: 'basic', username: 'bob', password: TOKEN_USER_PASSWORD },
      }),
    });
    const r = await client.resolve(ref(privateReg, 'sample/index:1.0'), { importMode: 'PreserveOriginal' });
    expect(r.digest).toBe(samples.index.digest);
    client.close();
  });
});

describe('keychain sources', () => {
  it('reads a docker config.json credHelper (fake docker-credential-test on PATH)', async () => {
    const bin = join(work, 'bin');
    const cfg = join(work, 'docker');
    for (const d of [bin, cfg]) rmSync(d, { recursive: true, force: true });
    mkdirSync(bin, { recursive: true });
    mkdirSync(cfg, { recursive: true });
    const script = join(bin, 'docker-credential-test');
    writeFileSync(
      script,
      `#!/bin/sh\nread url\nif [ "$url" = "${basic.host}" ]; then\n  printf '{"ServerURL":"%s","Username":"alice","Secret":"${PASSWORD}"}' "$url"\n  exit 0\nfi\necho "credentials not found in native keychain"\nexit 1\n`,
    );
    chmodSync(script, 0o755);
    writeFileSync(join(cfg, 'config.json'), JSON.stringify({ credHelpers: { [basic.host]: 'test' } }));
    const env = { PATH: `${bin}:${process.env.PATH}`, DOCKER_CONFIG: cfg };
    const client = createRegistryClient({ logger, keychain: defaultKeychain({ env, logger }) });
    const r = await client.resolve(ref(basic, 'sample/docker:1.0'));
    expect(r.digest).toBe(samples.docker.digest);
    client.close();
  });

  it('reads auths from REGISTRY_AUTH_FILE (keys written as URLs match on host)', async () => {
    const file = join(work, 'auth.json');
    writeFileSync(
      file,
      JSON.stringify({
        auths: {
          [`https://${basic.host}/v1/`]: { auth: Buffer.from(`alice:${PASSWORD}`).toString('base64') },
        },
      }),
    );
    const client = createRegistryClient({
      logger,
      keychain: defaultKeychain({ env: { REGISTRY_AUTH_FILE: file }, logger }),
    });
    expect((await client.resolve(ref(basic, 'sample/oci:1.0'))).digest).toBe(samples.oci.digest);
    client.close();
  });

  it('reads credentials from env vars the project config names', async () => {
    const env = { CI_REG_USER: 'alice', CI_REG_PASS: PASSWORD };
    const client = createRegistryClient({
      logger,
      keychain: defaultKeychain({
        env,
        credentials: { [basic.host]: { usernameEnv: 'CI_REG_USER', passwordEnv: 'CI_REG_PASS' } },
      }),
    });
    expect((await client.resolve(ref(basic, 'sample/oci:1.0'))).digest).toBe(samples.oci.digest);
    client.close();
  });

  it('uses GITHUB_TOKEN for ghcr.io only, and maps Docker Hub to its config key', async () => {
    const k = defaultKeychain({ env: { GITHUB_TOKEN: 'ghs_abc', GITHUB_ACTOR: 'octo' } });
    expect(await k.resolve('ghcr.io')).toEqual({ kind: 'basic', username: 'octo', password: 'ghs_abc' });
    expect(await k.resolve('quay.io')).toBeUndefined();
    const file = join(work, 'hub.json');
    writeFileSync(
      file,
      JSON.stringify({
        auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('me:pw').toString('base64') } },
      }),
    );
    const hub = defaultKeychain({ env: { REGISTRY_AUTH_FILE: file } });
    expect(await hub.resolve('docker.io')).toEqual({ kind: 'basic', username: 'me', password: 'pw' });
  });
});

describe('secrets', () => {
  it('never appear in any log line or error captured during these tests', () => {
    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(TOKEN_USER_PASSWORD);
    expect(text).not.toContain(Buffer.from(`alice:${PASSWORD}`).toString('base64'));
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
  });
});
