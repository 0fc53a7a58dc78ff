// The request policy under auth: per-host concurrency, per-request timeout, retries with backoff for temporary
// failures, Retry-After, redirects that never carry Authorization to another host, rate-limit headers, counters.

import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { redactUrl } from '../../util/redact.js';
import { type RequestContext, registryError } from '../errors.js';
import { type HttpRequest, type HttpResponse, type HttpSend, TransportError } from './http.js';
import { AdaptiveLimiter, Limiter, type RequestLimiter } from './limiter.js';

/** What the policy layer needs to know about one request. */
export interface PolicyRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string | Buffer;
  ctx: RequestContext;
  insecureTls?: boolean;
  /** The call may use plain HTTP on any host (`CallOptions.insecure`): redirects are judged accordingly. */
  insecure?: boolean;
  maxBodyBytes?: number;
}

/** The final response plus the URL it came from (after redirects). */
export interface PolicyResponse extends HttpResponse {
  url: URL;
}

/** Rate-limit state a registry reported (Docker Hub style `ratelimit-*` headers). */
export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  windowSeconds?: number;
}

/** Counters per host, for `stats()` and the bench. */
export interface HostStats {
  requests: number;
  byMethod: Record<string, number>;
  retries: number;
  rateLimit?: RateLimitInfo;
}

export interface RequesterOptions {
  send: HttpSend;
  clock: Clock;
  logger: Logger;
  timeoutMs: number;
  retries: number;
  concurrencyPerHost: number;
  /**
   * Let each host's bound follow its latency between `min` and `max`, starting at concurrencyPerHost
   * (AdaptiveLimiter); without it the bound is concurrencyPerHost.
   */
  adaptiveConcurrency?: { min: number; max: number };
  /** A Retry-After longer than this is not waited for (the caller gets the 429/503). */
  maxRetryAfterMs: number;
  backoffBaseMs: number;
  /** Why a redirect must not be followed (allowlist, HTTPS downgrade), or undefined; default: any is followed. */
  redirectRefusal?: (from: URL, to: URL, method: string, insecure: boolean) => string | undefined;
}

const RETRY_STATUS = new Set([500, 502, 503, 504]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const TEMPORARY_KINDS = new Set(['timeout', 'reset', 'refused', 'other']);

/** Parse `Retry-After` (seconds or an HTTP date) into milliseconds from now. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** Parse `ratelimit-limit` / `ratelimit-remaining` (`100;w=21600`). */
export function parseRateLimit(headers: Record<string, string | undefined>): RateLimitInfo | undefined {
  const lim = headers['ratelimit-limit'];
  const rem = headers['ratelimit-remaining'];
  if (lim === undefined && rem === undefined) return undefined;
  const num = (s: string | undefined) => {
    const n = s ? Number.parseInt(s, 10) : Number.NaN;
    return Number.isNaN(n) ? undefined : n;
  };
  const w = /w=(\d+)/.exec(lim ?? rem ?? '')?.[1];
  const info: RateLimitInfo = {};
  const l = num(lim);
  const r = num(rem);
  if (l !== undefined) info.limit = l;
  if (r !== undefined) info.remaining = r;
  if (w !== undefined) info.windowSeconds = Number(w);
  return info;
}

/** The policy layer's interface, as the auth layer sees it. */
export interface Requester {
  /** One logical request with retries (per hop) and redirects: any HTTP status; throws only without a response. */
  request(req: PolicyRequest): Promise<PolicyResponse>;
  /** Counters per host (a copy). */
  stats(): Record<string, HostStats>;
}

/** A requester's options and its per-host limiters and counters. */
interface RequesterState {
  opts: RequesterOptions;
  limiters: Map<string, RequestLimiter>;
  hosts: Map<string, HostStats>;
}

/** The policy layer: `request()` returns any HTTP status; it throws only when no response could be had. */
export function createRequester(opts: RequesterOptions): Requester {
  const st: RequesterState = { opts, limiters: new Map(), hosts: new Map() };
  return {
    request: (req) => request(st, req),
    stats: () =>
      Object.fromEntries([...st.hosts].map(([h, s]) => [h, { ...s, byMethod: { ...s.byMethod } }])),
  };
}

function hostStats(st: RequesterState, host: string): HostStats {
  let s = st.hosts.get(host);
  if (!s) {
    s = { requests: 0, byMethod: {}, retries: 0 };
    st.hosts.set(host, s);
  }
  return s;
}

function limiter(st: RequesterState, host: string): RequestLimiter {
  let l = st.limiters.get(host);
  if (!l) {
    const adaptive = st.opts.adaptiveConcurrency;
    l = adaptive
      ? new AdaptiveLimiter({
          ...adaptive,
          initial: st.opts.concurrencyPerHost,
          now: () => performance.now(),
        })
      : new Limiter(st.opts.concurrencyPerHost);
    st.limiters.set(host, l);
  }
  return l;
}

/** One HTTP exchange under the host's concurrency limit, counted, its rate-limit headers recorded. */
async function once(
  st: RequesterState,
  req: PolicyRequest,
  url: URL,
  headers: Record<string, string>,
): Promise<HttpResponse> {
  const { opts } = st;
  const stats = hostStats(st, url.host);
  stats.requests++;
  stats.byMethod[req.method] = (stats.byMethod[req.method] ?? 0) + 1;
  const started = opts.clock.now();
  const sent: HttpRequest = { method: req.method, url, headers, timeoutMs: opts.timeoutMs };
  if (req.body !== undefined) sent.body = req.body;
  if (req.insecureTls) sent.insecureTls = true;
  if (req.maxBodyBytes !== undefined) sent.maxBodyBytes = req.maxBodyBytes;
  const res = await limiter(st, url.host).run(() => opts.send(sent));
  const rl = parseRateLimit(res.headers);
  if (rl) {
    stats.rateLimit = rl;
    if (rl.remaining !== undefined && rl.limit && rl.remaining < Math.max(1, rl.limit / 10)) {
      opts.logger.warn('registry rate limit nearly used up', { host: url.host, ...rl });
    }
  }
  if (opts.logger.enabled?.('debug') !== false) {
    opts.logger.debug('registry request', {
      method: req.method,
      url: redactUrl(url),
      status: res.status,
      ms: opts.clock.now() - started,
    });
  }
  return res;
}

/** One logical request with retries (per hop) and redirects. */
async function request(st: RequesterState, req: PolicyRequest): Promise<PolicyResponse> {
  let url = req.url;
  // Never changed in place: a redirect to another origin gets a copy without Authorization.
  let headers = req.headers;
  const origin = req.url.origin;
  for (let hop = 0; hop <= 5; hop++) {
    const res = await withRetries(st, req, url, headers);
    const loc = res.headers.location;
    if (!REDIRECT_STATUS.has(res.status) || !loc) return { ...res, url };
    let next: URL;
    try {
      next = new URL(loc, url);
    } catch {
      throw registryError(
        'BAD_RESPONSE',
        { ...req.ctx, url: redactUrl(url) },
        'a redirect to an invalid URL',
      );
    }
    const refusal = st.opts.redirectRefusal?.(url, next, req.method, req.insecure ?? false);
    if (refusal) {
      throw registryError('NOT_ALLOWED', { ...req.ctx, url: redactUrl(url) }, refusal, {
        status: res.status,
        permanent: true,
      });
    }
    if (next.origin !== origin && headers.authorization !== undefined) {
      const { authorization: _dropped, ...rest } = headers;
      headers = rest;
    }
    url = next;
  }
  throw registryError('BAD_RESPONSE', { ...req.ctx, url: redactUrl(url) }, 'too many redirects');
}

async function withRetries(
  st: RequesterState,
  req: PolicyRequest,
  url: URL,
  headers: Record<string, string>,
): Promise<HttpResponse> {
  const { opts } = st;
  for (let attempt = 0; ; attempt++) {
    const last = attempt >= opts.retries;
    let res: HttpResponse;
    try {
      res = await once(st, req, url, headers);
    } catch (e) {
      const te = e instanceof TransportError ? e : new TransportError('other', String(e));
      if (!last && TEMPORARY_KINDS.has(te.kind)) {
        await backoff(st, url, attempt, undefined, te.message);
        continue;
      }
      throw transportFailure(req, url, te, attempt);
    }
    if (res.status === 429 || RETRY_STATUS.has(res.status)) {
      const ra = parseRetryAfter(res.headers['retry-after'], opts.clock.now());
      if (ra !== undefined && ra > opts.maxRetryAfterMs) return res;
      if (res.status === 429 && ra === undefined) return res;
      if (!last) {
        await backoff(st, url, attempt, ra, `HTTP ${res.status}`);
        continue;
      }
    }
    return res;
  }
}

/** No response after the last attempt: TLS and DNS failures are permanent, the rest temporary. */
function transportFailure(req: PolicyRequest, url: URL, te: TransportError, attempt: number) {
  return registryError(
    te.kind === 'tls' ? 'NOT_ALLOWED' : 'REGISTRY_UNAVAILABLE',
    { ...req.ctx, url: redactUrl(url) },
    te.kind === 'tls'
      ? `${te.message}; if this registry uses a self-signed certificate or plain HTTP, mark it insecure`
      : `${te.message}${attempt > 0 ? ` (after ${attempt + 1} attempts)` : ''}`,
    {
      cause: te,
      data: { transport: te.kind, attempts: attempt + 1 },
      permanent: te.kind === 'tls' || te.kind === 'dns',
    },
  );
}

async function backoff(
  st: RequesterState,
  url: URL,
  attempt: number,
  retryAfterMs: number | undefined,
  reason: string,
): Promise<void> {
  const delay = retryAfterMs ?? Math.min(st.opts.backoffBaseMs * 2 ** attempt, 10_000);
  hostStats(st, url.host).retries++;
  st.opts.logger.warn('retrying registry request', {
    host: url.host,
    reason,
    attempt: attempt + 1,
    delayMs: delay,
  });
  await st.opts.clock.sleep(delay);
}
