// The daemon's HTTP surface: registry webhooks in, health, readiness and metrics out. The handler is plain
// node:http (req, res); what a push means is decided by the `onPush` callback, so this file only speaks HTTP.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../util/logger.js';
import { METRICS_CONTENT_TYPE, type Metrics } from './metrics.js';
import {
  PayloadError,
  type PushedImage,
  parseDistribution,
  parseDockerHub,
  parseGitHubPackage,
  safeEqual,
  verifyBearer,
  verifyGitHubSignature,
} from './webhooks.js';

/** Largest webhook body accepted (bytes). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Images named in a webhook's answer (the rest are counted). */
const MAX_IMAGES_IN_ANSWER = 20;

/** Webhook senders, as they appear in URLs and metrics. */
export type WebhookSource = 'distribution' | 'dockerhub' | 'github';

/** What the handler needs from the daemon. */
export interface HttpHandlerDeps {
  /** Hands pushed images to the daemon; returns the stream tag keys that import them (empty: ignored). */
  onPush(source: WebhookSource, pushes: PushedImage[]): { matched: string[] };
  /** First successful clone/load done and not shutting down. */
  ready(): boolean;
  /** Shutting down: webhooks get 503. */
  draining(): boolean;
  metrics: Metrics;
  logger: Logger;
  /** Shared webhook secret (Bearer for Distribution, HMAC key for GitHub, `token` query for Docker Hub). */
  secret?: string;
  /** Extra hosts Distribution events are known by (--registry-host). */
  registryHosts?: readonly string[];
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = typeof body === 'string' ? body : `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new HttpError(413, `payload larger than ${MAX_BODY_BYTES} bytes`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        reject(new HttpError(413, `payload larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, `body is not valid JSON: ${(e as Error).message}`);
  }
}

/** Builds the request listener. */
export function createHttpHandler(
  deps: HttpHandlerDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(deps, req, res).catch((e) => {
      deps.logger.error('http handler failed', { error: String(e) });
      if (!res.headersSent) send(res, 500, { ok: false, error: 'internal error' });
    });
  };
}

/** Checks what can be checked from the request line and headers alone; throws 401 before any body is read. */
function authenticateHeaders(
  secret: string | undefined,
  source: WebhookSource,
  req: IncomingMessage,
  url: URL,
): void {
  if (!secret) return;
  if (source === 'github') {
    const sig = req.headers['x-hub-signature-256'];
    if (typeof sig !== 'string' || !/^sha256=[0-9a-f]{64}$/i.test(sig.trim())) {
      throw new HttpError(401, 'missing or invalid X-Hub-Signature-256');
    }
  } else if (source === 'distribution') {
    if (!verifyBearer(secret, req.headers.authorization)) {
      throw new HttpError(401, 'missing or invalid Authorization: Bearer <secret>');
    }
  } else {
    const token = url.searchParams.get('token');
    if (!(token !== null && safeEqual(secret, token)) && !verifyBearer(secret, req.headers.authorization)) {
      throw new HttpError(401, 'missing or invalid ?token=<secret>');
    }
  }
}

/** Handles one webhook request: method, secret, body, parsing; answers with a status and a JSON body. */
async function webhook(
  deps: HttpHandlerDeps,
  source: WebhookSource,
  req: IncomingMessage,
  url: URL,
): Promise<[number, unknown]> {
  const { secret } = deps;
  if (req.method !== 'POST') throw new HttpError(405, 'use POST');
  if (deps.draining()) throw new HttpError(503, 'shutting down; send the notification again later');
  // Bearer and token secrets are checked before the body is read; an HMAC needs the body, so GitHub's
  // header is checked for shape first and the body read (capped) only then.
  authenticateHeaders(secret, source, req, url);
  const raw = await readBody(req);
  let pushes: PushedImage[];
  if (source === 'github') {
    const event = String(req.headers['x-github-event'] ?? '');
    if (secret && !verifyGitHubSignature(secret, raw, req.headers['x-hub-signature-256'] as string)) {
      throw new HttpError(401, 'missing or invalid X-Hub-Signature-256');
    }
    if (event === 'ping') return [200, { ok: true, message: 'pong' }];
    if (event !== 'package' && event !== 'registry_package') {
      return [202, { ok: true, ignored: `event "${event || '(none)'}" is not a package event` }];
    }
    pushes = parseGitHubPackage(event, parseJson(raw));
  } else if (source === 'distribution') {
    pushes = parseDistribution(parseJson(raw), deps.registryHosts ?? []);
  } else {
    pushes = parseDockerHub(parseJson(raw));
  }
  const { matched } = deps.onPush(source, pushes);
  // The answer names at most a few images: an envelope may hold thousands.
  const images = pushes.slice(0, MAX_IMAGES_IN_ANSWER).map((p) => `${p.hosts[0]}/${p.path}:${p.tag}`);
  const more =
    pushes.length > MAX_IMAGES_IN_ANSWER ? { moreImages: pushes.length - MAX_IMAGES_IN_ANSWER } : {};
  if (matched.length === 0) {
    deps.metrics.recordWebhook(source, 'ignored');
    return [202, { ok: true, images, ...more, matched: [], ignored: 'no stream tag imports these images' }];
  }
  deps.metrics.recordWebhook(source, 'accepted');
  return [202, { ok: true, images, ...more, matched }];
}

/** Answers one request: health, readiness, metrics or a webhook. */
async function route(deps: HttpHandlerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://daemon');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/healthz') return send(res, 200, 'ok\n', 'text/plain; charset=utf-8');
  if (path === '/readyz') {
    const ok = deps.ready() && !deps.draining();
    return send(res, ok ? 200 : 503, ok ? 'ready\n' : 'not ready\n', 'text/plain; charset=utf-8');
  }
  if (path === '/metrics') return send(res, 200, deps.metrics.render(), METRICS_CONTENT_TYPE);
  const m = /^\/webhooks\/(distribution|dockerhub|github)$/.exec(path);
  if (!m) return send(res, 404, { ok: false, error: `no route ${path}` });
  const source = m[1] as WebhookSource;
  try {
    const [status, body] = await webhook(deps, source, req, url);
    send(res, status, body);
  } catch (e) {
    const status = e instanceof HttpError ? e.status : e instanceof PayloadError ? 400 : 500;
    const message = e instanceof Error ? e.message : String(e);
    deps.metrics.recordWebhook(source, status === 401 ? 'rejected' : status >= 500 ? 'error' : 'invalid');
    if (status === 500) deps.logger.error('webhook handling failed', { source, error: message });
    else deps.logger.warn('webhook refused', { source, status, reason: message });
    // A body left unread (refused before reading, or too large) must not be taken for the next request.
    if (status === 413 || status === 401) res.setHeader('connection', 'close');
    send(res, status, { ok: false, error: message });
  }
}
