import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createHttpHandler, MAX_BODY_BYTES, type WebhookSource } from '../../src/daemon/http.js';
import { indexStreams, matchPushes } from '../../src/daemon/match.js';
import { createMetrics } from '../../src/daemon/metrics.js';
import { DISTRIBUTION_EVENTS_TYPE, type PushedImage } from '../../src/daemon/webhooks.js';
import { silentLogger } from '../../src/util/logger.js';

const SECRET = 'webhook-secret-0123456789';
const received: { source: WebhookSource; pushes: PushedImage[] }[] = [];
const state = { ready: true, draining: false };
const metrics = createMetrics();
const index = indexStreams([
  {
    namespace: 'default',
    name: 'hub',
    object: {
      metadata: { name: 'hub' },
      spec: {
        tags: [
          { name: 'a', from: { kind: 'DockerImage', name: 'acme/app:1.0' } },
          { name: 'b', from: { kind: 'DockerImage', name: 'nginx:1.27' } },
          { name: 'g', from: { kind: 'DockerImage', name: 'ghcr.io/acme/tool:v2' } },
          { name: 'l', from: { kind: 'DockerImage', name: 'localhost:5000/team/app' } },
        ],
      },
    },
  },
]);
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer(
    createHttpHandler({
      onPush: (source, pushes) => {
        received.push({ source, pushes });
        return { matched: [...matchPushes(index, pushes)].sort() };
      },
      ready: () => state.ready,
      draining: () => state.draining,
      metrics,
      logger: silentLogger,
      secret: SECRET,
      registryHosts: ['localhost:5000'],
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  received.length = 0;
  state.ready = true;
  state.draining = false;
});

/** What the webhook endpoints answer. */
interface Answer {
  ok: boolean;
  images?: string[];
  matched?: string[];
  ignored?: string;
  error?: string;
}
const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${base}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
const answer = async (res: Response) => (await res.json()) as Answer;
const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const hubPayload = (repo: string, tag: string) =>
  JSON.stringify({
    callback_url: 'https://registry.hub.docker.com/u/acme/app/hook/x/',
    push_data: { pushed_at: 1_700_000_000, pusher: 'acme', tag },
    repository: {
      repo_name: repo,
      name: repo.split('/').pop(),
      namespace: repo.split('/')[0],
      status: 'Active',
    },
  });

it('Docker Hub: a push of a declared repo:tag is matched to the stream tag that imports it', async () => {
  const res = await post(`/webhooks/dockerhub?token=${SECRET}`, hubPayload('acme/app', '1.0'));
  expect(res.status).toBe(202);
  expect(await answer(res)).toMatchObject({
    ok: true,
    images: ['docker.io/acme/app:1.0'],
    matched: ['default/hub:a'],
  });
  // Official images arrive as library/<name> and match the short name in declarations.
  const lib = await post(`/webhooks/dockerhub?token=${SECRET}`, hubPayload('library/nginx', '1.27'));
  expect((await answer(lib)).matched).toEqual(['default/hub:b']);
});

it('Docker Hub: an unknown repository is acknowledged and ignored; a wrong token is refused', async () => {
  const res = await post(`/webhooks/dockerhub?token=${SECRET}`, hubPayload('acme/other', '1.0'));
  expect(res.status).toBe(202);
  expect(await answer(res)).toMatchObject({ matched: [], ignored: expect.any(String) });
  expect((await post('/webhooks/dockerhub?token=nope', hubPayload('acme/app', '1.0'))).status).toBe(401);
  expect((await post('/webhooks/dockerhub', hubPayload('acme/app', '1.0'))).status).toBe(401);
  expect(received).toHaveLength(1);
});

const ghPackage = JSON.stringify({
  action: 'published',
  package: {
    id: 1,
    name: 'tool',
    namespace: 'acme',
    package_type: 'CONTAINER',
    registry: { url: 'https://ghcr.io', type: 'docker', name: 'GitHub CONTAINER registry' },
    package_version: {
      id: 2,
      version: 'sha256:' + 'a'.repeat(64),
      container_metadata: { tag: { name: 'v2', digest: 'sha256:' + 'a'.repeat(64) } },
      package_url: 'ghcr.io/acme/tool:v2',
    },
  },
});

it('GitHub package event with a valid X-Hub-Signature-256 is accepted and matched', async () => {
  const res = await post('/webhooks/github', ghPackage, {
    'x-github-event': 'package',
    'x-hub-signature-256': sign(ghPackage),
  });
  expect(res.status).toBe(202);
  expect(await answer(res)).toMatchObject({ images: ['ghcr.io/acme/tool:v2'], matched: ['default/hub:g'] });
  const rp = JSON.stringify({
    action: 'published',
    registry_package: {
      name: 'tool',
      namespace: 'acme',
      package_type: 'CONTAINER',
      registry: { url: 'https://ghcr.io' },
      package_version: { container_metadata: { tag: { name: 'v2' } } },
    },
  });
  const res2 = await post('/webhooks/github', rp, {
    'x-github-event': 'registry_package',
    'x-hub-signature-256': sign(rp),
  });
  expect((await answer(res2)).matched).toEqual(['default/hub:g']);
});

it('GitHub: a wrong signature, a signature over other bytes, or none at all is refused with 401', async () => {
  for (const sig of [sign(ghPackage, 'other-secret'), sign(`${ghPackage} `), undefined, 'sha1=abc']) {
    const res = await post('/webhooks/github', ghPackage, {
      'x-github-event': 'package',
      ...(sig ? { 'x-hub-signature-256': sig } : {}),
    });
    expect(res.status).toBe(401);
    expect((await answer(res)).error).toMatch(/X-Hub-Signature-256/);
  }
  expect(received).toHaveLength(0);
  const ping = await post('/webhooks/github', '{"zen":"x"}', {
    'x-github-event': 'ping',
    'x-hub-signature-256': sign('{"zen":"x"}'),
  });
  expect(ping.status).toBe(200);
});

const envelope = (events: unknown[]) => JSON.stringify({ events });
const pushEvent = (repository: string, tag: string | undefined, host: string) => ({
  id: 'e1',
  timestamp: '2026-01-01T00:00:00Z',
  action: 'push',
  target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository, ...(tag ? { tag } : {}) },
  request: { id: 'r', addr: '127.0.0.1:1', host, method: 'PUT', useragent: 'x' },
});

it('Distribution: bearer secret checked; tagged pushes matched by host (or alias), untagged ones skipped', async () => {
  const body = envelope([
    pushEvent('team/app', 'latest', '127.0.0.1:5000'),
    pushEvent('team/app', undefined, '127.0.0.1:5000'),
    { action: 'pull', target: { repository: 'team/app', tag: 'latest' } },
  ]);
  const ok = await post('/webhooks/distribution', body, {
    'content-type': DISTRIBUTION_EVENTS_TYPE,
    authorization: `Bearer ${SECRET}`,
  });
  expect(ok.status).toBe(202);
  // The event names 127.0.0.1:5000; --registry-host localhost:5000 ties it to the declaration.
  expect(await answer(ok)).toMatchObject({ matched: ['default/hub:l'] });
  expect(received[0]!.pushes).toHaveLength(1);
  expect((await post('/webhooks/distribution', body, { authorization: 'Bearer wrong' })).status).toBe(401);
  expect((await post('/webhooks/distribution', body)).status).toBe(401);
});

it('bad JSON is a 400 with a message; a body over 1 MB is a 413; wrong method 405; unknown path 404', async () => {
  const bad = await post('/webhooks/distribution', '{"events": [', { authorization: `Bearer ${SECRET}` });
  expect(bad.status).toBe(400);
  expect((await answer(bad)).error).toMatch(/not valid JSON/);
  const notEnvelope = await post('/webhooks/distribution', '{"x":1}', { authorization: `Bearer ${SECRET}` });
  expect(notEnvelope.status).toBe(400);
  expect((await answer(notEnvelope)).error).toMatch(/envelope/);
  const big = await post('/webhooks/distribution', Buffer.alloc(MAX_BODY_BYTES + 10, 32), {
    authorization: `Bearer ${SECRET}`,
  }).catch((e) => e);
  if (!(big instanceof Error)) expect(big.status).toBe(413);
  expect((await fetch(`${base}/webhooks/github`)).status).toBe(405);
  expect((await fetch(`${base}/nope`)).status).toBe(404);
});

it('while draining, webhooks get 503 and /readyz is not ready; /healthz stays up', async () => {
  state.draining = true;
  const res = await post(`/webhooks/dockerhub?token=${SECRET}`, hubPayload('acme/app', '1.0'));
  expect(res.status).toBe(503);
  expect((await fetch(`${base}/readyz`)).status).toBe(503);
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  state.draining = false;
  expect((await fetch(`${base}/readyz`)).status).toBe(200);
  state.ready = false;
  expect((await fetch(`${base}/readyz`)).status).toBe(503);
});

it('/metrics speaks the Prometheus text format 0.0.4', async () => {
  metrics.recordRun({
    trigger: 'webhook',
    durationSeconds: 0.7,
    finishedAt: 1_700_000_000,
    imports: { success: 2, failure: 1, skipped: 0 },
    succeededStreams: ['default/hub'],
    pullRequestsOpened: 1,
    rateLimits: [{ registry: 'registry-1.docker.io', remaining: 97 }],
    error: false,
  });
  const res = await fetch(`${base}/metrics`);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await res.text();
  for (const line of [
    'imagestreams_imports_total{result="success"} 2',
    'imagestreams_imports_total{result="failure"} 1',
    'imagestreams_import_failures_total 1',
    'imagestreams_last_success_timestamp_seconds{stream="default/hub"} 1700000000',
    'imagestreams_registry_ratelimit_remaining{registry="registry-1.docker.io"} 97',
    'imagestreams_pull_requests_opened_total 1',
    'imagestreams_runs_total{trigger="webhook"} 1',
    'imagestreams_run_duration_seconds_bucket{le="1"} 1',
    'imagestreams_run_duration_seconds_count 1',
    'imagestreams_webhooks_total{source="dockerhub",result="rejected"} 2',
  ]) {
    expect(text).toContain(`${line}\n`);
  }
  // Every sample line is `name{labels} value` and every family has HELP and TYPE.
  for (const l of text.trim().split('\n'))
    expect(l).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? [-+\d.e]+|.*Inf)$/);
});

it('a webhook with a wrong secret is refused from its headers, before any body byte is read', async () => {
  const { request } = await import('node:http');
  const refuse = (path: string, headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const req = request(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': '1000000', ...headers },
      });
      req.on('response', (res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        req.destroy();
      });
      req.on('error', (e) => {
        if ((e as { code?: string }).code !== 'ECONNRESET') reject(e);
      });
      req.write('{"events": ['); // the rest of the million bytes never comes
    });
  expect(await refuse('/webhooks/distribution', { authorization: 'Bearer wrong' })).toBe(401);
  expect(await refuse('/webhooks/dockerhub?token=wrong', {})).toBe(401);
  expect(await refuse('/webhooks/github', { 'x-github-event': 'package' })).toBe(401);
  expect(await refuse('/webhooks/github', { 'x-hub-signature-256': 'sha256=zz' })).toBe(401);
  expect(received).toHaveLength(0);
}, 10_000);

it('the answer to an envelope of thousands of pushes names a few images and counts the rest', async () => {
  const events = Array.from({ length: 3000 }, (_, i) => pushEvent(`team/x${i}`, 'v1', '127.0.0.1:5000'));
  const res = await post('/webhooks/distribution', envelope(events), { authorization: `Bearer ${SECRET}` });
  expect(res.status).toBe(202);
  const body = (await res.json()) as { images: string[]; moreImages: number };
  expect(body.images).toHaveLength(20);
  expect(body.moreImages).toBe(2980);
});
