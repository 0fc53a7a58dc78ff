// A hostile registry for the hardening tests (issue 11): a small OCI distribution server on 127.0.0.1 (free port,
// plain HTTP or HTTPS with a self-signed certificate) that serves whatever manifests and blobs a test stores — including
// malformed ones — and can misbehave per request: redirect anywhere, challenge with any Bearer realm, answer error
// bodies that echo attacker text, or send a HEAD digest header that lies. Every request is recorded.

import http from 'node:http';
import https from 'node:https';
import { digestOf, MT, makeImage, makeIndex, selfSignedCert } from '../../scripts/lib/registry.js';

/** One request as the server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

/** How the registry misbehaves for a request (undefined: it answers honestly from its store). */
export type HostileMode =
  /** Answer 302 with `Location: to` (e.g. a plain-HTTP host off the allowlist). */
  | { kind: 'redirect'; to: string; status?: number }
  /** Answer 401 with `WWW-Authenticate: Bearer realm=<realm>` unless the request carries a Bearer token. */
  | { kind: 'bearer-realm'; realm: string }
  /** Answer 401 with `WWW-Authenticate: Basic` to every request (whatever credentials it carries). */
  | { kind: 'basic-challenge' }
  /** Answer with this status and body, e.g. a JSON error that echoes a metadata service or `::set-output`. */
  | { kind: 'error-body'; status: number; body: string; contentType?: string }
  /** Answer HEAD honestly but with this `Docker-Content-Digest` header instead of the true one. */
  | { kind: 'lying-head'; digest: string }
  /** Answer honestly with an ETag: the quoted digest, weak (`W/"…"`) or any other value. */
  | { kind: 'etag'; etag: 'digest' | 'weak-digest' | string }
  /** Answer 304 Not Modified to every manifest HEAD, asked conditionally or not, with this digest header if any. */
  | { kind: 'not-modified'; digest?: string }
  /** Answer 304 to every manifest HEAD that carries If-None-Match, whatever it names; honestly (ETag: the digest) otherwise. */
  | { kind: 'blind-304' };

export interface HostileRegistry {
  /** `127.0.0.1:<port>`: use it as the registry domain. */
  host: string;
  url: string;
  requests: SeenRequest[];
  /** Store a manifest (any bytes) under a tag and under its digest; returns the digest. */
  putManifest(repo: string, tag: string, bytes: Buffer | string, mediaType: string): string;
  /** Store a blob (config or layer); returns the digest. */
  putBlob(bytes: Buffer): string;
  /** Store a built image (config, layers, manifest) under a tag. */
  putImage(repo: string, tag: string, img: ReturnType<typeof makeImage>): string;
  /** Store a built index and its children under a tag. */
  putIndex(repo: string, tag: string, idx: ReturnType<typeof makeIndex>): string;
  /** Misbehave for requests matching `when` (default: every /v2/ request but the ping). */
  setMode(mode: HostileMode | undefined, when?: (r: SeenRequest) => boolean): void;
  close(): Promise<void>;
}

/** Start the registry on 127.0.0.1 and a free port; `tls: true` serves HTTPS with a self-signed certificate. */
export async function startHostileRegistry(opts: { tls?: boolean } = {}): Promise<HostileRegistry> {
  const manifests = new Map<string, { bytes: Buffer; mediaType: string }>();
  const blobs = new Map<string, Buffer>();
  const requests: SeenRequest[] = [];
  let mode: HostileMode | undefined;
  let when: (r: SeenRequest) => boolean = (r) => r.path !== '/v2/';

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const seen: SeenRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers };
    requests.push(seen);
    req.resume();
    const m = mode && when(seen) ? mode : undefined;
    if (m?.kind === 'redirect') {
      res.writeHead(m.status ?? 302, { location: m.to });
      res.end();
      return;
    }
    if (m?.kind === 'bearer-realm' && !/^Bearer /.test(req.headers.authorization ?? '')) {
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="${m.realm}",service="hostile",scope="repository:x:pull"`,
        'content-type': 'application/json',
      });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    if (m?.kind === 'basic-challenge') {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="hostile"', 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    if (m?.kind === 'error-body') {
      res.writeHead(m.status, { 'content-type': m.contentType ?? 'application/json' });
      res.end(m.body);
      return;
    }
    const path = new URL(seen.path, 'http://x').pathname;
    const man = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path);
    const blob = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(path);
    if (path === '/v2/' || path === '/v2') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
      return;
    }
    if (man) {
      const found = manifests.get(`${man[1]}:${decodeURIComponent(man[2]!)}`);
      if (!found) return notFound(res, 'MANIFEST_UNKNOWN');
      const blind = m?.kind === 'blind-304' && req.headers['if-none-match'] !== undefined;
      if ((m?.kind === 'not-modified' || blind) && seen.method === 'HEAD') {
        res.writeHead(
          304,
          m.kind === 'not-modified' && m.digest ? { 'docker-content-digest': m.digest } : {},
        );
        res.end();
        return;
      }
      const digest = m?.kind === 'lying-head' && seen.method === 'HEAD' ? m.digest : digestOf(found.bytes);
      const etag =
        m?.kind === 'blind-304'
          ? `"${digest}"`
          : m?.kind !== 'etag'
            ? undefined
            : m.etag === 'digest'
              ? `"${digest}"`
              : m.etag === 'weak-digest'
                ? `W/"${digest}"`
                : m.etag;
      res.writeHead(200, {
        'content-type': found.mediaType,
        'docker-content-digest': digest,
        'content-length': String(found.bytes.length),
        ...(etag ? { etag } : {}),
      });
      res.end(seen.method === 'HEAD' ? undefined : found.bytes);
      return;
    }
    if (blob) {
      const found = blobs.get(decodeURIComponent(blob[2]!));
      if (!found) return notFound(res, 'BLOB_UNKNOWN');
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(found.length),
      });
      res.end(seen.method === 'HEAD' ? undefined : found);
      return;
    }
    notFound(res, 'NAME_UNKNOWN');
  };

  const server = opts.tls
    ? (() => {
        const cert = selfSignedCert('127.0.0.1');
        return https.createServer({ key: cert.keyPem, cert: cert.certPem }, handler);
      })()
    : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;

  const api: HostileRegistry = {
    host: `127.0.0.1:${port}`,
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    putManifest(repo, tag, bytes, mediaType) {
      const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
      const digest = digestOf(b);
      manifests.set(`${repo}:${tag}`, { bytes: b, mediaType });
      manifests.set(`${repo}:${digest}`, { bytes: b, mediaType });
      return digest;
    },
    putBlob(bytes) {
      const digest = digestOf(bytes);
      blobs.set(digest, bytes);
      return digest;
    },
    putImage(repo, tag, img) {
      api.putBlob(img.config);
      for (const l of img.layers) api.putBlob(l);
      return api.putManifest(repo, tag, img.manifest, img.mediaType);
    },
    putIndex(repo, tag, idx) {
      for (const img of idx.images) api.putImage(repo, img.digest, img);
      return api.putManifest(repo, tag, idx.index, idx.mediaType);
    },
    setMode(m, w) {
      mode = m;
      when = w ?? ((r) => r.path !== '/v2/');
      requests.length = 0;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  return api;
}

function notFound(res: http.ServerResponse, code: string) {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ errors: [{ code, message: 'not found' }] }));
}

/**
 * An OCI index whose first entry is replaced by hostile values (e.g. a digest followed by a Dockerfile line);
 * the children of `base` are what an honest index would list.
 */
export function hostileIndex(
  base: ReturnType<typeof makeIndex>,
  entry: { digest?: string; mediaType?: string; platform?: Record<string, string> },
): Buffer {
  const doc = JSON.parse(base.index.toString('utf8')) as { manifests: Record<string, unknown>[] };
  doc.manifests[0] = { ...doc.manifests[0], ...entry };
  return Buffer.from(JSON.stringify(doc, null, 2));
}

/** A plain-HTTP server standing in for a metadata service or an attacker's token realm: records what reaches it. */
export async function startSink(): Promise<{
  host: string;
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}> {
  const requests: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"token":"sink-token","AccessKeyId":"ASIA-METADATA-SECRET","note":"instance metadata"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export { MT, makeImage, makeIndex };
