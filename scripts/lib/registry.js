// Local registry harness shared by tests, bench and demo: start the real Distribution registry
// (`docker-registry serve`) on 127.0.0.1, a small JWT token server, and push test images over HTTP.
// Plain ESM JavaScript with types in registry.d.ts, so bench/demo (plain JS) and tests (TS) use one copy.

import { execFileSync, spawn } from 'node:child_process';
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MT = {
  OCI_INDEX: 'application/vnd.oci.image.index.v1+json',
  OCI_MANIFEST: 'application/vnd.oci.image.manifest.v1+json',
  DOCKER_LIST: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DOCKER_MANIFEST: 'application/vnd.docker.distribution.manifest.v2+json',
  OCI_CONFIG: 'application/vnd.oci.image.config.v1+json',
  DOCKER_CONFIG: 'application/vnd.docker.container.image.v1+json',
  OCI_LAYER: 'application/vnd.oci.image.layer.v1.tar+gzip',
  DOCKER_LAYER: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
};

/** sha256 digest of bytes, `sha256:<hex>`. */
export function digestOf(bytes) {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A free TCP port on 127.0.0.1 (closed again before returning). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// --- minimal DER encoding for a self-signed X.509 certificate (node:crypto cannot create one) ---
function derLen(n) {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>= 8;
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
function der(tag, ...parts) {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), derLen(body.length), body]);
}
const seq = (...p) => der(0x30, ...p);
function oid(s) {
  const nums = s.split('.').map(Number);
  const out = [40 * nums[0] + nums[1]];
  for (const n of nums.slice(2)) {
    const b = [n & 0x7f];
    let v = n >> 7;
    while (v > 0) {
      b.unshift(0x80 | (v & 0x7f));
      v >>= 7;
    }
    out.push(...b);
  }
  return der(0x06, Buffer.from(out));
}
function utcTime(d) {
  const p = (n) => String(n).padStart(2, '0');
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return der(0x17, Buffer.from(s, 'ascii'));
}
function name(cn) {
  return seq(der(0x31, seq(oid('2.5.4.3'), der(0x0c, Buffer.from(cn, 'utf8')))));
}

/**
 * A certificate serial number from 8 random bytes, as a minimal DER INTEGER body: positive (top bit clear) and
 * without a leading zero byte, which Go's x509 parser (the registry's) refuses as "malformed serial number" (a
 * first byte of 0 came up once in 256 certificates and failed a CI run).
 */
export function certSerial(bytes) {
  const serial = Buffer.from(bytes);
  serial[0] = (serial[0] & 0x3f) | 0x40;
  return serial;
}

/** A fresh RSA key and a self-signed certificate for it: `{keyPem, certPem, certDer}`. */
export function selfSignedCert(cn = 'imagestreams-test-token-issuer') {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sigAlg = seq(oid('1.2.840.113549.1.1.11'), der(0x05));
  const now = Date.now();
  const serial = certSerial(randomBytes(8));
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, serial),
    sigAlg,
    name(cn),
    seq(utcTime(new Date(now - 3600_000)), utcTime(new Date(now + 10 * 365 * 86400_000))),
    name(cn),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certDer = seq(tbs, sigAlg, der(0x03, Buffer.from([0]), signature));
  const b64 = certDer.toString('base64').replace(/.{64}/g, '$&\n');
  return {
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certPem: `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`,
    certDer,
  };
}

const b64url = (b) => Buffer.from(b).toString('base64url');

/**
 * Start a token server for the registry's `auth.token` config. Issues RS256 JWTs with an x5c header.
 * `users` (name → password) are checked when Basic credentials are sent; anonymous requests get pull
 * access unless `anonymous: false`. Every request is counted (`requests`), and so are issued tokens.
 */
export async function startTokenServer(opts = {}) {
  const service = opts.service ?? 'test-registry';
  const issuer = opts.issuer ?? 'test-issuer';
  const users = opts.users ?? {};
  const anonymous = opts.anonymous ?? true;
  const expiresIn = opts.expiresIn ?? 300;
  const { keyPem, certPem, certDer } = selfSignedCert();
  const key = createPrivateKey(keyPem);
  const state = { requests: 0, tokensIssued: 0, scopes: [] };

  /** @param {string} sub @param {{type:string,name:string,actions:string[]}[]} access */
  function mint(sub, access) {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', x5c: [certDer.toString('base64')] };
    const claims = {
      iss: issuer,
      sub,
      aud: service,
      exp: now + expiresIn,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    return `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`;
  }

  const server = http.createServer((req, res) => {
    state.requests++;
    const url = new URL(req.url ?? '/', 'http://x');
    let sub = '';
    const authz = req.headers.authorization;
    if (authz?.startsWith('Basic ')) {
      const [u, ...p] = Buffer.from(authz.slice(6), 'base64').toString().split(':');
      if (users[u] === undefined || users[u] !== p.join(':')) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"details":"invalid credentials"}');
        return;
      }
      sub = u;
    } else if (!anonymous) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"details":"authentication required"}');
      return;
    }
    const access = [];
    for (const scope of url.searchParams.getAll('scope')) {
      state.scopes.push(scope);
      const [type, repo, actions] = scope.split(':');
      if (type !== 'repository' || !repo || !actions) continue;
      const allowed = actions.split(',').filter((a) => a === 'pull' || (sub !== '' && opts.allowPush));
      access.push({ type, name: repo, actions: allowed });
    }
    state.tokensIssued++;
    const token = mint(sub, access);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        token,
        access_token: token,
        expires_in: expiresIn,
        issued_at: new Date().toISOString(),
      }),
    );
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const dir = mkdtempSync(join(tmpdir(), 'imagestreams-token-'));
  const certPath = join(dir, 'cert.pem');
  writeFileSync(certPath, certPem);
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certPem,
    certPath,
    state,
    /** Mint a token directly (for pushing without the HTTP exchange). */
    mint: (repo, actions = ['pull', 'push']) => mint('admin', [{ type: 'repository', name: repo, actions }]),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections?.();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          r(undefined);
        });
      }),
  };
}

function yamlConfig({ dataDir, port, auth, notifications }) {
  const lines = [
    'version: 0.1',
    'log: {level: error, accesslog: {disabled: true}}',
    `storage: {filesystem: {rootdirectory: ${JSON.stringify(dataDir)}}, delete: {enabled: true}}`,
    `http: {addr: "127.0.0.1:${port}", secret: imagestreams-test-secret}`,
  ];
  if (auth?.htpasswd) {
    lines.push(`auth: {htpasswd: {realm: test, path: ${JSON.stringify(auth.htpasswd.path)}}}`);
  } else if (auth?.token) {
    const t = auth.token;
    lines.push(
      `auth: {token: {realm: ${JSON.stringify(t.realm)}, service: ${JSON.stringify(t.service)}, issuer: ${JSON.stringify(t.issuer)}, rootcertbundle: ${JSON.stringify(t.certPath)}}}`,
    );
  }
  if (notifications) lines.push(`notifications: ${JSON.stringify(notifications)}`);
  return `${lines.join('\n')}\n`;
}

async function waitReady(url, child, deadlineMs = 15_000) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited early (code ${child.exitCode})`);
    const ok = await new Promise((resolve) => {
      const req = http.get(`${url}/v2/`, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
      req.setTimeout(500, () => req.destroy());
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('docker-registry did not start in time');
}

/**
 * Start `docker-registry serve` on 127.0.0.1 with a free port. `auth` may be
 * `{htpasswd: {users: {name: password}}}` or `{token: tokenServer}`. `dataDir` lets several registries
 * (open for pushing, authenticated for reading) serve the same storage: stop those first, then the owner,
 * whose `stop()` deletes its temp dir and data (unless `keepData`).
 */
/** Notifications for pushes (pulls ignored) to a daemon's Distribution webhook, with a bearer secret. */
export function daemonNotifications(url, secret) {
  return {
    endpoints: [
      {
        name: 'daemon',
        url,
        headers: { Authorization: [`Bearer ${secret}`] },
        timeout: '2s',
        threshold: 5,
        backoff: '500ms',
        ignore: { actions: ['pull'] },
      },
    ],
  };
}

export async function startRegistry(opts = {}) {
  const work = mkdtempSync(join(tmpdir(), 'imagestreams-registry-'));
  const dataDir = opts.dataDir ?? join(work, 'data');
  const port = await freePort();
  let auth;
  if (opts.auth?.htpasswd) {
    const path = join(work, 'htpasswd');
    const lines = Object.entries(opts.auth.htpasswd.users).map(([u, p]) =>
      execFileSync('htpasswd', ['-Bbn', u, p], { encoding: 'utf8' }).trim(),
    );
    writeFileSync(path, `${lines.join('\n')}\n`);
    auth = { htpasswd: { path } };
  } else if (opts.auth?.token) {
    auth = { token: opts.auth.token };
  }
  const configPath = join(work, 'config.yml');
  writeFileSync(configPath, yamlConfig({ dataDir, port, auth, notifications: opts.notifications }));
  const child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  try {
    await waitReady(url, child);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${e.message}\n${stderr}`);
  }
  return {
    host,
    url,
    port,
    dataDir,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!opts.keepData) rmSync(work, { recursive: true, force: true });
    },
  };
}

// --- building and pushing images ---

/**
 * A tiny single-platform image: `{config, layers, manifest, mediaType, digest}` (all bytes as Buffers).
 * `format` is 'docker' (schema2) or 'oci'; `seed` makes distinct content; `labels`/`created` go in the config.
 */
export function makeImage(opts = {}) {
  const format = opts.format ?? 'docker';
  const seed = opts.seed ?? 'x';
  const layer = Buffer.from(`layer:${seed}`);
  const configObj = {
    architecture: opts.architecture ?? 'amd64',
    os: opts.os ?? 'linux',
    ...(opts.variant ? { variant: opts.variant } : {}),
    created: opts.created ?? '2024-01-02T03:04:05Z',
    config: { Labels: opts.labels ?? {} },
    rootfs: { type: 'layers', diff_ids: [digestOf(layer)] },
  };
  const config = Buffer.from(JSON.stringify(configObj));
  const oci = format === 'oci';
  const mediaType = oci ? MT.OCI_MANIFEST : MT.DOCKER_MANIFEST;
  const manifestObj = {
    schemaVersion: 2,
    mediaType,
    config: {
      mediaType: oci ? MT.OCI_CONFIG : MT.DOCKER_CONFIG,
      size: config.length,
      digest: digestOf(config),
    },
    layers: [
      { mediaType: oci ? MT.OCI_LAYER : MT.DOCKER_LAYER, size: layer.length, digest: digestOf(layer) },
    ],
  };
  const manifest = Buffer.from(JSON.stringify(manifestObj, null, 3));
  return { config, layers: [layer], manifest, mediaType, digest: digestOf(manifest) };
}

/**
 * A multi-platform index over `platforms` (`{os, architecture, variant?}`), format 'docker' (manifest list)
 * or 'oci' (index, optionally with a BuildKit-style attestation entry when `attestation: true`).
 * Returns `{images, index, mediaType, digest}`; `images` are the children (push them first).
 */
export function makeIndex(opts) {
  const format = opts.format ?? 'oci';
  const oci = format === 'oci';
  const seed = opts.seed ?? 'i';
  const images = opts.platforms.map((p, i) =>
    makeImage({ ...p, format, seed: `${seed}-${i}`, labels: opts.labels, created: opts.created }),
  );
  const manifests = images.map((img, i) => ({
    mediaType: img.mediaType,
    size: img.manifest.length,
    digest: img.digest,
    platform: {
      architecture: opts.platforms[i].architecture,
      os: opts.platforms[i].os,
      ...(opts.platforms[i].variant ? { variant: opts.platforms[i].variant } : {}),
    },
  }));
  if (oci && opts.attestation) {
    const att = makeImage({ format: 'oci', seed: `${seed}-att` });
    images.push(att);
    manifests.push({
      mediaType: att.mediaType,
      size: att.manifest.length,
      digest: att.digest,
      platform: { architecture: 'unknown', os: 'unknown' },
      annotations: {
        'vnd.docker.reference.digest': images[0].digest,
        'vnd.docker.reference.type': 'attestation-manifest',
      },
    });
  }
  const mediaType = oci ? MT.OCI_INDEX : MT.DOCKER_LIST;
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests }, null, 2));
  return { images, index, mediaType, digest: digestOf(index) };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function request(method, url, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Push one blob (POST then PUT) unless the registry already has it (`check: false` skips that HEAD). */
export async function pushBlob(base, repo, bytes, headers = {}, opts = {}) {
  const digest = digestOf(bytes);
  if (opts.check !== false) {
    const head = await request('HEAD', `${base}/v2/${repo}/blobs/${digest}`, { headers });
    if (head.status === 200) return digest;
  }
  const start = await request('POST', `${base}/v2/${repo}/blobs/uploads/`, { headers });
  if (start.status !== 202) throw new Error(`blob upload start ${repo}: ${start.status} ${start.body}`);
  const loc = new URL(start.headers.location, `${base}/v2/${repo}/blobs/uploads/`);
  loc.searchParams.set('digest', digest);
  const put = await request('PUT', loc.toString(), {
    headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': bytes.length },
    body: bytes,
  });
  if (put.status !== 201) throw new Error(`blob upload ${repo}: ${put.status} ${put.body}`);
  return digest;
}

/** PUT a manifest (or index) under a tag or digest. */
export async function pushManifest(base, repo, ref, bytes, mediaType, headers = {}) {
  const res = await request('PUT', `${base}/v2/${repo}/manifests/${ref}`, {
    headers: { ...headers, 'content-type': mediaType, 'content-length': bytes.length },
    body: bytes,
  });
  if (res.status !== 201) throw new Error(`manifest put ${repo}:${ref}: ${res.status} ${res.body}`);
  return digestOf(bytes);
}

/** Push a single image (blobs, manifest) under `tags`. Returns its digest. */
export async function pushImage(base, repo, tags, image, headers = {}) {
  await Promise.all([image.config, ...image.layers].map((b) => pushBlob(base, repo, b, headers)));
  for (const t of [].concat(tags))
    await pushManifest(base, repo, t, image.manifest, image.mediaType, headers);
  return image.digest;
}

/** Push an index: children by digest first, then the index under `tags`. Returns the index digest. */
export async function pushIndex(base, repo, tags, idx, headers = {}) {
  await Promise.all(
    idx.images.map(async (img) => {
      await Promise.all([img.config, ...img.layers].map((b) => pushBlob(base, repo, b, headers)));
      await pushManifest(base, repo, img.digest, img.manifest, img.mediaType, headers);
    }),
  );
  for (const t of [].concat(tags)) await pushManifest(base, repo, t, idx.index, idx.mediaType, headers);
  return idx.digest;
}

/** Run `fn` over `items` with at most `n` in flight. */
export async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/**
 * The standard sample set (tests and demo): single-arch Docker schema2, single-arch OCI, a Docker manifest
 * list, and an OCI index with an attestation entry. Returns `{name: {repo, tag, digest, mediaType, ...}}`.
 */
export async function pushSampleImages(base, headers = {}) {
  const docker = makeImage({
    format: 'docker',
    seed: 'docker-single',
    labels: {
      'org.opencontainers.image.source': 'https://github.com/example/app',
      'org.opencontainers.image.revision': 'abc123',
      'org.opencontainers.image.version': '1.0.0',
    },
    created: '2024-05-06T07:08:09Z',
  });
  const oci = makeImage({ format: 'oci', seed: 'oci-single', architecture: 'arm64', os: 'linux' });
  const list = makeIndex({
    format: 'docker',
    seed: 'docker-list',
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ],
  });
  const index = makeIndex({
    format: 'oci',
    seed: 'oci-index',
    attestation: true,
    platforms: [
      { os: 'linux', architecture: 'arm64' },
      { os: 'linux', architecture: 'amd64' },
      { os: 'windows', architecture: 'amd64' },
    ],
  });
  await Promise.all([
    pushImage(base, 'sample/docker', ['1.0', 'latest'], docker, headers),
    pushImage(base, 'sample/oci', ['1.0'], oci, headers),
    pushIndex(base, 'sample/list', ['1.0'], list, headers),
    pushIndex(base, 'sample/index', ['1.0'], index, headers),
  ]);
  return {
    docker: {
      repo: 'sample/docker',
      tag: '1.0',
      digest: docker.digest,
      mediaType: docker.mediaType,
      image: docker,
    },
    oci: { repo: 'sample/oci', tag: '1.0', digest: oci.digest, mediaType: oci.mediaType, image: oci },
    list: { repo: 'sample/list', tag: '1.0', digest: list.digest, mediaType: list.mediaType, index: list },
    index: { repo: 'sample/index', tag: '1.0', digest: index.digest, mediaType: index.mediaType, index },
  };
}
