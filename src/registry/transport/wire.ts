// The registry's HTTP/1.1 client, over node:net and node:tls: one pool of kept-alive connections per transport for
// buffered requests (manifests, tags, tokens) and streamed ones (blobs copied between registries). It does the least
// work a request needs — one write of its head, one pass over the response's bytes — because on a busy machine the
// registry's CPU and ours are the same CPU. No retries, auth or policy here, except one: a GET or HEAD written on a
// kept-alive connection that the server closed before answering is sent again on a new one.

import type { Readable } from 'node:stream';
import { Readable as ReadableStream } from 'node:stream';
import { exchangeUser } from './exchange-user.js';
import { ResponseParser } from './h1-parser.js';
import {
  classify,
  deadlineWatch,
  type HttpRequest,
  type HttpResponse,
  type HttpSend,
  TransportError,
} from './http.js';
import { type Conn, createPool, type Origin, type Pool } from './pool.js';
import { requestHead } from './request-head.js';

const MAX_HEAD_BYTES = 64 * 1024;
const DEFAULT_MAX_BODY = 8 * 1024 * 1024;

/** A request whose response body is read as a stream (and whose body, if any, is one). */
export interface StreamRequest {
  method: string;
  url: URL;
  /** With a body, Content-Length must be among them: the body must be exactly that long. */
  headers: Record<string, string>;
  body?: Readable;
  insecureTls?: boolean;
  /** Abort when the connection sees no traffic this long. */
  idleTimeoutMs: number;
}

/** A response whose body arrives as a back-pressured stream; destroying it closes the connection. */
export interface StreamResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Readable;
}

/** The transport: `HttpSend` for buffered requests, `stream` for streamed ones, on one pool. */
export interface WireTransport extends HttpSend {
  stream(req: StreamRequest): Promise<StreamResponse>;
  /** Connections per origin at most. */
  readonly maxSockets: number;
  /** Close every connection. */
  close(): void;
}

/**
 * A buffered exchange on `pool`: the whole response in memory, bounded in size and time.
 * Long: the request's deadline, its connection and a retry on a new one share one exchange's state.
 */
function buffered(
  pool: Pool,
  deadlines: ReturnType<typeof deadlineWatch>,
  req: HttpRequest,
): Promise<HttpResponse> {
  return new Promise(
    // Long: the exchange's closures (see above).
    (resolve, reject) => {
      const body = typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
      let bytes: string | Buffer;
      try {
        const head = requestHead(req.method, req.url, req.headers, body?.length);
        bytes = body && body.length > 0 ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : head;
      } catch (e) {
        reject(e);
        return;
      }
      const o = pool.origin(req.url, req.insecureTls === true);
      const limits = { maxHeadBytes: MAX_HEAD_BYTES, maxBodyBytes: req.maxBodyBytes ?? DEFAULT_MAX_BODY };
      let settled = false;
      let conn: Conn | undefined;
      let retried = false;
      const retry = () => {
        if (retried) return false;
        retried = true;
        start(true);
        return true;
      };
      const fail = (e: unknown) => {
        if (settled) return;
        settled = true;
        deadlines.delete(pending);
        if (conn) {
          conn.user = undefined;
          conn.socket.destroy();
        }
        reject(e instanceof TransportError ? e : classify(e as NodeJS.ErrnoException));
      };
      const pending = {
        deadline: performance.now() + req.timeoutMs,
        expire: () => fail(new TransportError('timeout', `no complete response within ${req.timeoutMs} ms`)),
      };
      deadlines.add(pending, req.timeoutMs);
      const run = (c: Conn) => {
        if (settled) return pool.release(c, true);
        conn = c;
        let status = 0;
        let headers: Record<string, string | undefined> = {};
        const chunks: Buffer[] = [];
        const parser = new ResponseParser(req.method === 'HEAD', limits, {
          head(h) {
            status = h.status;
            headers = h.headers;
          },
          data: (b) => chunks.push(b),
        });
        const complete = () => {
          if (settled || !parser.done) return;
          settled = true;
          conn = undefined;
          deadlines.delete(pending);
          pool.release(c, parser.reusable);
          resolve({ status, headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
        };
        c.user = exchangeUser(c, parser, req.method, false, {
          ended: () => settled,
          fail,
          complete,
          retry,
        });
        c.socket.write(bytes, 'latin1');
      };
      const start = (fresh: boolean) => {
        const c = fresh ? undefined : pool.takeIdle(o);
        if (c) run(c);
        else pool.acquire(o, req.timeoutMs, fresh).then(run, fail);
      };
      start(false);
    },
  );
}

/**
 * A streamed exchange: resolves at the response head with a body that pauses the connection while its reader
 * lags; a request body is written as it comes, back-pressured, and must be exactly its Content-Length long.
 * Long: the body pump, the response stream and the connection's end share one exchange's state.
 */
function streamed(pool: Pool, req: StreamRequest): Promise<StreamResponse> {
  return new Promise(
    // Long: the exchange's closures (see above).
    (resolve, reject) => {
      let head: string;
      try {
        head = requestHead(req.method, req.url, req.headers, undefined, req.body !== undefined);
      } catch (e) {
        reject(e);
        return;
      }
      const declared = req.body ? declaredLength(req.headers) : 0;
      const o: Origin = pool.origin(req.url, req.insecureTls === true);
      let answered = false;
      let finished = false;
      let conn: Conn | undefined;
      let retried = false;
      const retry = () => {
        if (retried) return false;
        retried = true;
        start(true);
        return true;
      };
      const out = new ReadableStream({
        read: () => {
          if (!finished) conn?.socket.resume();
        },
        destroy: (err, cb) => {
          abort(err ?? new TransportError('reset', 'response body abandoned'));
          cb(err);
        },
      });
      const abort = (e: unknown) => {
        if (finished) return;
        finished = true;
        if (conn) {
          conn.user = undefined;
          conn.socket.destroy();
        }
        const err = e instanceof Error ? e : new TransportError('other', String(e));
        if (!answered) reject(err);
        else if (!out.destroyed) out.destroy(err);
      };
      const run = (c: Conn) => {
        if (finished) return pool.release(c, true);
        conn = c;
        let sent = !req.body;
        const parser = new ResponseParser(
          req.method === 'HEAD',
          { maxHeadBytes: MAX_HEAD_BYTES, maxBodyBytes: Number.POSITIVE_INFINITY },
          {
            head(h) {
              answered = true;
              resolve({ status: h.status, headers: h.headers, body: out });
            },
            data: (b) => {
              if (!out.push(b)) c.socket.pause();
            },
          },
        );
        const complete = () => {
          if (finished || !parser.done) return;
          finished = true;
          conn = undefined;
          c.socket.setTimeout(0);
          c.socket.resume();
          pool.release(c, parser.reusable && sent);
          out.push(null);
        };
        c.user = {
          ...exchangeUser(c, parser, req.method, req.body !== undefined, {
            ended: () => finished,
            fail: abort,
            complete,
            retry,
          }),
          drain: () => req.body?.resume(),
          timeout: () => abort(new TransportError('timeout', `no data for ${req.idleTimeoutMs} ms`)),
        };
        c.socket.setTimeout(req.idleTimeoutMs);
        c.socket.write(head, 'latin1');
        if (req.body)
          pumpBody(req.body, c, declared, abort, () => {
            sent = true;
            complete();
          });
      };
      // A connection that could not be opened fails as the transport classified it.
      const start = (fresh: boolean) => pool.acquire(o, req.idleTimeoutMs, fresh).then(run, abort);
      start(false);
    },
  );
}

/** The Content-Length among `headers`, whatever its name's case (requestHead has checked it is one number). */
function declaredLength(headers: Record<string, string>): number {
  for (const name in headers) if (name.toLowerCase() === 'content-length') return Number(headers[name]);
  return 0;
}

/** Write `body` to `c`, pausing it while the socket's buffer is full; exactly `declared` bytes or an error. */
function pumpBody(body: Readable, c: Conn, declared: number, abort: (e: unknown) => void, sent: () => void) {
  // A body that failed before its connection was ready (a meter refusing a small blob while the connection opened)
  // has no 'error' left to emit: its own error fails the exchange now, not the idle timeout later.
  if (body.destroyed)
    return abort(body.errored ?? new TransportError('other', 'request body closed before it was sent'));
  let written = 0;
  body.on('data', (chunk: Buffer) => {
    if (c.dead || c.user === undefined) return void body.pause();
    written += chunk.length;
    if (written > declared)
      return abort(new TransportError('other', `request body longer than its Content-Length ${declared}`));
    if (!c.socket.write(chunk)) body.pause();
  });
  body.once('end', () => {
    if (written !== declared)
      return abort(new TransportError('other', `request body ended after ${written} of ${declared} bytes`));
    sent();
  });
  // The body's own error (e.g. bytes that do not match their digest) leaves as it is.
  body.once('error', abort);
}

/** An HTTP/1.1 transport over node:net/node:tls with at most `maxSockets` kept-alive connections per origin. */
export function createWireTransport(opts: { maxSockets?: number; idleMs?: number } = {}): WireTransport {
  const pool = createPool(opts.maxSockets ?? 32, opts.idleMs ?? 30_000);
  const deadlines = deadlineWatch();
  const send = (req: HttpRequest) => buffered(pool, deadlines, req);
  return Object.assign(send, {
    stream: (req: StreamRequest) => streamed(pool, req),
    maxSockets: pool.maxSockets,
    close: () => pool.close(),
  });
}

/** What streamed transfers need of a transport: its streamed requests, on its pool of that many connections. */
export type StreamTransport = Pick<WireTransport, 'stream' | 'maxSockets'>;
