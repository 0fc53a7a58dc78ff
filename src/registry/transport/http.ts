// The raw HTTP exchange over node:http/https with kept-alive connections; no retries, auth or policy here.

import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';

/** One HTTP request as the registry client sends it. */
export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Abort after this long without a complete response. */
  timeoutMs: number;
  /** Accept any TLS certificate (insecure registries only). */
  insecureTls?: boolean;
  /** Refuse bodies larger than this (manifests are small; default 8 MiB). */
  maxBodyBytes?: number;
}

/** A complete response: header names lower case, repeated headers joined with ", ". */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/** The injectable transport: tests and embedders may replace it (e.g. with a fake). */
export type HttpSend = (req: HttpRequest) => Promise<HttpResponse>;

/** Why a request failed below HTTP: lets the retry layer tell temporary from permanent. */
export type TransportErrorKind = 'timeout' | 'reset' | 'refused' | 'tls' | 'dns' | 'too-large' | 'other';

/** A failure below HTTP (no status): connection reset, timeout, TLS, DNS. */
export class TransportError extends Error {
  readonly kind: TransportErrorKind;
  readonly sysCode: string | undefined;
  constructor(kind: TransportErrorKind, message: string, sysCode?: string) {
    super(message);
    this.name = 'TransportError';
    this.kind = kind;
    this.sysCode = sysCode;
  }
}

/** The TransportError for a socket or TLS failure (code first, message as a last resort). */
export function classify(err: NodeJS.ErrnoException): TransportError {
  const code = err.code ?? '';
  if (err instanceof TransportError) return err;
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'ECONNABORTED')
    return new TransportError('reset', 'connection reset', code);
  if (code === 'ECONNREFUSED') return new TransportError('refused', 'connection refused', code);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TransportError('dns', 'host not found', code);
  if (
    code.startsWith('ERR_SSL') ||
    code.includes('CERT') ||
    code === 'EPROTO' ||
    /ssl|tls/i.test(err.message)
  )
    return new TransportError('tls', `TLS failure (${code || 'handshake'})`, code);
  if (code === 'ETIMEDOUT') return new TransportError('timeout', 'timed out', code);
  return new TransportError('other', `network error (${code || err.message})`, code);
}

/** One request waiting for its response: when it must be complete, and how to give up on it. */
interface Pending {
  deadline: number;
  expire(): void;
}

/**
 * Request deadlines without a timer per request: one interval, running while requests are in flight, expires the
 * overdue ones. It ticks at a tenth of the shortest timeout asked (at least 5 ms), so a request is given up at most
 * that much after its deadline. (A timer set and cleared per request was a tenth of the transport's CPU.)
 */
export function deadlineWatch() {
  const pending = new Set<Pending>();
  let timer: NodeJS.Timeout | undefined;
  let tick = Number.POSITIVE_INFINITY;
  const sweep = () => {
    const now = performance.now();
    for (const p of pending) if (now >= p.deadline) p.expire();
  };
  return {
    add(p: Pending, timeoutMs: number) {
      pending.add(p);
      const want = Math.max(5, Math.floor(timeoutMs / 10));
      if (timer && want >= tick) return;
      clearInterval(timer);
      tick = want;
      timer = setInterval(sweep, tick);
      // In-flight sockets keep the process alive; the sweeper alone must not.
      timer.unref();
    },
    delete(p: Pending) {
      pending.delete(p);
      if (pending.size > 0 || !timer) return;
      clearInterval(timer);
      timer = undefined;
      tick = Number.POSITIVE_INFINITY;
    },
  };
}

/** The kept-alive agents of a transport: plain HTTP, verified TLS, unverified TLS (insecure registries). */
export interface KeptAliveAgents {
  http: http.Agent;
  https: https.Agent;
  insecure: https.Agent;
}

/** Kept-alive agents with at most `maxSockets` connections per host; `close()` drops their connections. */
export function keptAliveAgents(maxSockets: number): KeptAliveAgents & { close(): void } {
  const a = {
    http: new http.Agent({ keepAlive: true, maxSockets }),
    https: new https.Agent({ keepAlive: true, maxSockets }),
    insecure: new https.Agent({ keepAlive: true, maxSockets, rejectUnauthorized: false }),
  };
  return {
    ...a,
    close() {
      a.http.destroy();
      a.https.destroy();
      a.insecure.destroy();
    },
  };
}

/**
 * A node:http(s) transport with kept-alive agents; `close()` drops idle connections. `agents` are exposed so
 * streamed blob transfers share the same connection pool.
 */
export function createNodeHttpSend(
  opts: { maxSockets?: number } = {},
): HttpSend & { close(): void; agents: KeptAliveAgents } {
  const agents = keptAliveAgents(opts.maxSockets ?? 32);
  const { http: httpAgent, https: httpsAgent, insecure: insecureAgent } = agents;
  const deadlines = deadlineWatch();
  const send = (req: HttpRequest): Promise<HttpResponse> =>
    new Promise((resolve, reject) => {
      const isHttps = req.url.protocol === 'https:';
      const agent = isHttps ? (req.insecureTls ? insecureAgent : httpsAgent) : httpAgent;
      const mod = isHttps ? https : http;
      const limit = req.maxBodyBytes ?? 8 * 1024 * 1024;
      let settled = false;
      const fail = (e: TransportError) => {
        if (settled) return;
        settled = true;
        deadlines.delete(pending);
        reject(e);
      };
      const pending: Pending = {
        deadline: performance.now() + req.timeoutMs,
        expire() {
          fail(new TransportError('timeout', `no complete response within ${req.timeoutMs} ms`));
          r.destroy();
        },
      };
      // Options rather than the URL: node would read every URL property again to build them.
      const host = req.url.hostname;
      const hostname = host.startsWith('[') ? host.slice(1, -1) : host;
      const options = {
        protocol: req.url.protocol,
        hostname,
        // Given, the agent need not work it out from the Host header on every request (SNI: never an address).
        servername: isHttps && !isIP(hostname) ? hostname : '',
        port: req.url.port,
        path: `${req.url.pathname}${req.url.search}`,
        method: req.method,
        headers: req.headers,
        agent,
      };
      const r = mod.request(options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > limit) {
            r.destroy();
            fail(new TransportError('too-large', `response body larger than ${limit} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          deadlines.delete(pending);
          // node gives the names in lower case and repeated headers joined, except set-cookie (a list).
          const headers: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
          });
        });
        res.on('error', (e) => fail(classify(e)));
        res.on('aborted', () => fail(new TransportError('reset', 'connection reset', 'ECONNRESET')));
      });
      deadlines.add(pending, req.timeoutMs);
      r.on('error', (e) => fail(classify(e)));
      r.end(req.body);
    });
  return Object.assign(send, {
    agents,
    close: () => agents.close(),
  });
}
