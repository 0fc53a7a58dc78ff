// The raw HTTP exchange over node:http/https with kept-alive connections; no retries, auth or policy here.

import http from 'node:http';
import https from 'node:https';

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

function classify(err: NodeJS.ErrnoException): TransportError {
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

/** A node:http(s) transport with kept-alive agents; `close()` drops idle connections. */
export function createNodeHttpSend(opts: { maxSockets?: number } = {}): HttpSend & { close(): void } {
  const maxSockets = opts.maxSockets ?? 32;
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets });
  const insecureAgent = new https.Agent({ keepAlive: true, maxSockets, rejectUnauthorized: false });
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
        clearTimeout(timer);
        reject(e);
      };
      const r = mod.request(req.url, { method: req.method, headers: req.headers, agent }, (res) => {
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
          clearTimeout(timer);
          const headers: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
          }
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
        });
        res.on('error', (e) => fail(classify(e)));
        res.on('aborted', () => fail(new TransportError('reset', 'connection reset', 'ECONNRESET')));
      });
      const timer = setTimeout(() => {
        fail(new TransportError('timeout', `no complete response within ${req.timeoutMs} ms`));
        r.destroy();
      }, req.timeoutMs);
      r.on('error', (e) => fail(classify(e)));
      r.end(req.body);
    });
  return Object.assign(send, {
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
      insecureAgent.destroy();
    },
  });
}
