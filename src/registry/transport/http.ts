// The registry transport's interface: one HTTP request and its complete response, the injectable `HttpSend`, and
// failures below HTTP (TransportError) classified for the retry layer. The client itself is wire.ts.

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
