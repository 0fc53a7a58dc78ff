// Imports and the copies into localRegistry share one connection pool and one auth session (issue #17): a
// reconcile that imports Local tags opens no more TCP connections per registry than its client's pool holds, and
// asks the token server for each scope once. Counting proxies stand in front of the real registries and of the
// token server.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconcile } from '../../src/app/reconcile.js';
import { captureIO } from '../helpers/capture-io.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { makeIndex, pushIndex } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';
import { startTokenServer, type TokenServer } from '../helpers/token-server.js';

const USER = { username: 'ci-pool', password: 'pool-registry-pw-17' };
const ENV = { POOL_USER: USER.username, POOL_PASS: USER.password };
/** The client's per-registry limit in these runs; its pool keeps twice as many sockets per host. */
const CONCURRENCY = 2;
const POOL = CONCURRENCY * 2;
const STREAMS = ['a', 'b', 'c'];
const image = makeIndex({
  format: 'oci',
  seed: 'pool-17',
  attestation: true,
  platforms: [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ],
});

let ts: TokenServer;
let tokens: FaultProxy;
let registries: RunningRegistry[] = [];
let proxies: FaultProxy[] = [];
const base = mkdtempSync(join(tmpdir(), 'imagestreams-mirror-pool-'));

beforeAll(async () => {
  ts = await startTokenServer({
    anonymous: false,
    users: { [USER.username]: USER.password },
    allowPush: true,
  });
  tokens = await startFaultProxy(new URL(ts.realm).origin);
  const auth = { token: { ...ts, realm: `${tokens.url}/token` } };
  registries = await Promise.all([startRegistry({ auth }), startRegistry({ auth })]);
  proxies = await Promise.all(registries.map((r) => startFaultProxy(r.url, { keepHost: true })));
  await pushIndex(registries[0]!.url, 'upstream/app', '1.0', image, {
    authorization: `Bearer ${ts.mint('upstream/app')}`,
  });
});
afterAll(async () => {
  await Promise.all([...proxies, tokens].map((p) => p?.close()));
  await Promise.all(registries.map((r) => r.stop()));
  await ts?.close();
  rmSync(base, { recursive: true, force: true });
});

/** A project of three streams, each with a Local tag of the source image, mirrored into `local`. */
function project(name: string, local: string): string {
  const dir = join(base, name);
  mkdirSync(join(dir, 'imagestreams'), { recursive: true });
  const creds = proxies
    .map((p) => `  "${p.host}":\n    credentials: {usernameEnv: POOL_USER, passwordEnv: POOL_PASS}\n`)
    .join('');
  writeFileSync(
    join(dir, '.imagestreams.yaml'),
    `namespace: team\nlockDir: locks\nlocalRegistry: ${local}\nregistries:\n${creds}`,
  );
  const stream = (s: string) =>
    `kind: ImageStream\napiVersion: image.openshift.io/v1\nmetadata: {name: ${s}}\nspec:\n  tags:\n` +
    `    - name: "1.0"\n      from: {kind: DockerImage, name: "${proxies[0]!.host}/upstream/app:1.0"}\n` +
    '      referencePolicy: {type: Local}\n      importPolicy: {importMode: PreserveOriginal, scheduled: true}\n';
  writeFileSync(join(dir, 'imagestreams', 'streams.yaml'), STREAMS.map(stream).join('---\n'));
  return dir;
}

/** Token requests (path and query: the scopes asked together) made more than once. */
function repeatedTokenRequests(): string[] {
  const seen = new Set<string>();
  return tokens.requests.map((r) => r.path).filter((p) => seen.has(p) || !seen.add(p));
}

describe('imports and mirroring share one pool and one auth session', () => {
  for (const [name, local] of [
    ['on the source registry', 0],
    ['on a second registry', 1],
  ] as const) {
    it(`copying Local tags into localRegistry ${name}: at most the pool's connections per registry, one token per scope`, async () => {
      for (const p of [...proxies, tokens]) p.setRule(() => undefined);
      const dir = project(`local-${local}`, proxies[local]!.host);
      const run = await runReconcile(captureIO(dir, { env: ENV }), {
        registry: { client: { backoffBaseMs: 1, concurrencyPerRegistry: CONCURRENCY } },
      });
      expect(run.status).toBe('ok');
      // Every stream's image is in localRegistry (the copies happened, through the counted proxy).
      const puts = proxies[local]!.requests.filter(
        (r) => r.method === 'PUT' && r.path.includes('/manifests/'),
      );
      for (const s of STREAMS) expect(puts.some((r) => r.path.startsWith(`/v2/team/${s}/`))).toBe(true);
      for (const p of proxies) {
        const c = p.connections();
        expect({ host: p.host, ...c, peak: Math.min(c.peak, POOL) }).toEqual({ host: p.host, ...c });
        expect(c.opened).toBeLessThanOrEqual(POOL);
      }
      expect(repeatedTokenRequests()).toEqual([]);
      // Pull and push scopes were both asked, each with the configured credentials.
      const paths = tokens.requests.map((r) => decodeURIComponent(r.path));
      expect(paths.some((p) => p.includes('repository:upstream/app:pull'))).toBe(true);
      for (const s of STREAMS)
        expect(paths.some((p) => p.includes(`repository:team/${s}:pull,push`))).toBe(true);
      expect(tokens.requests.every((r) => r.headers.authorization?.startsWith('Basic '))).toBe(true);
    });
  }
});
