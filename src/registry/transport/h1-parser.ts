// An incremental HTTP/1.1 response parser for the registry transport: bytes may arrive split anywhere, every part of
// the response is bounded (head, chunk-size lines, trailers, body), and anything that is not a well-formed response
// ends in a TransportError — never another exception, never a wait for bytes that cannot come. Nothing a registry
// sends is trusted (invariant 2).
// Long: one response parser — the head, the framing states and their bounds are read together, split they would
// pass their state around.

import { TransportError } from './http.js';

/** A final (non-1xx) response head: header names lower case, repeated headers joined with ", ". */
export interface ResponseHead {
  status: number;
  headers: Record<string, string | undefined>;
}

/** What the parser hands on as the response is read. */
export interface ParserSink {
  head(h: ResponseHead): void;
  /** A piece of the body (a view of the received bytes, not a copy). */
  data(chunk: Buffer): void;
}

/** Bounds of one response. */
export interface ParserLimits {
  /** The head (status line and headers), and the trailers, at most this many bytes. */
  maxHeadBytes: number;
  /** The body at most this many bytes ('too-large' beyond). */
  maxBodyBytes: number;
}

enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  UntilClose,
  Done,
}

const CRLF = Buffer.from('\r\n', 'latin1');
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-5]\d\d)(?: [^\x00-\x08\x0a-\x1f\x7f]*)?$/;
// One deterministic class each side of the colon (no backtracking on hostile lines); no space before the colon.
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):([^\x00-\x08\x0a-\x1f\x7f]*)$/;
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,15})[ \t]*(?:;[^\x00-\x08\x0a-\x1f\x7f]*)?$/;
const DIGITS = /^\d{1,15}$/;
const MAX_CHUNK_LINE = 4096;
const MAX_INTERIM = 10;

function protocolError(what: string): TransportError {
  return new TransportError('other', `malformed HTTP response: ${what}`);
}

/** `s` without leading and trailing spaces and tabs (the optional whitespace around a header value). */
function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** The one Content-Length a (possibly repeated) header states, or an error. */
function contentLength(v: string): number {
  if (DIGITS.test(v)) return Number(v);
  let n: number | undefined;
  for (const part of v.split(',')) {
    const t = trimOws(part);
    if (!DIGITS.test(t)) throw protocolError(`invalid content-length "${v.slice(0, 40)}"`);
    if (n !== undefined && Number(t) !== n)
      throw protocolError(`conflicting content-lengths "${v.slice(0, 40)}"`);
    n = Number(t);
  }
  return n!;
}

/**
 * Parse a head (its bytes, without the blank line). Each header value is copied from the bytes: a slice of the head's
 * text would keep the head alive in every digest a lock keeps (V8 keeps a slice of 13+ characters as a view).
 */
function parseHead(head: Buffer): {
  minor: number;
  status: number;
  headers: Record<string, string | undefined>;
} {
  let end = head.indexOf(CRLF);
  if (end < 0) end = head.length;
  const statusLine = head.toString('latin1', 0, end);
  const m = STATUS_LINE.exec(statusLine);
  if (!m) throw protocolError(`bad status line "${statusLine.slice(0, 40)}"`);
  // A plain object (a null-prototype one is a slow dictionary): a name Object.prototype also has ('constructor')
  // is recognised by its value's type; `__proto__` cannot be set and is dropped.
  const headers: Record<string, string | undefined> = {};
  while (end < head.length) {
    const start = end + 2;
    end = head.indexOf(CRLF, start);
    if (end < 0) end = head.length;
    const line = head.toString('latin1', start, end);
    const h = HEADER_LINE.exec(line);
    if (!h) throw protocolError(`bad header line "${line.slice(0, 40)}"`);
    const name = h[1]!.toLowerCase();
    let a = start + h[1]!.length + 1;
    let b = end;
    while (a < b && (head[a] === 32 || head[a] === 9)) a++;
    while (b > a && (head[b - 1] === 32 || head[b - 1] === 9)) b--;
    const value = head.toString('latin1', a, b);
    const prev = headers[name];
    headers[name] = typeof prev === 'string' ? `${prev}, ${value}` : value;
  }
  return { minor: m[1] === '1' ? 1 : 0, status: Number(m[2]), headers };
}

function hasToken(list: string | undefined, token: string): boolean {
  if (list === undefined) return false;
  for (const t of list.split(',')) if (trimOws(t).toLowerCase() === token) return true;
  return false;
}

/**
 * Reads one response from bytes fed in order. `done` turns true once the response is complete; `reusable` says
 * whether its connection may carry another request (keep-alive, length-delimited, no stray bytes after it).
 * Long: one state machine over the framing states; split up, its state would have to be threaded through helpers.
 */
export class ResponseParser {
  done = false;
  reusable = false;
  /** Any byte received (a request whose connection closes before one may be retried elsewhere). */
  started = false;
  private state = State.Head;
  private acc: Buffer = Buffer.alloc(0);
  private accLen = 0;
  private remaining = 0;
  private bodyBytes = 0;
  private trailerBytes = 0;
  private interim = 0;
  private keepAlive = false;

  constructor(
    private readonly noBody: boolean,
    private readonly limits: ParserLimits,
    private readonly sink: ParserSink,
  ) {}

  /** Consume the next received bytes; throws a TransportError when they are not a valid response. */
  feed(buf: Buffer): void {
    if (buf.length > 0) this.started = true;
    let off = 0;
    while (off < buf.length) {
      switch (this.state) {
        case State.Head: {
          const r = this.until(buf, off, CRLFCRLF, this.limits.maxHeadBytes, 'response head');
          if (!r) return;
          off = r.next;
          this.onHead(r.bytes);
          break;
        }
        case State.Length:
        case State.ChunkData: {
          const n = Math.min(this.remaining, buf.length - off);
          this.body(buf.subarray(off, off + n));
          off += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = this.state === State.Length ? this.finish() : State.ChunkEnd;
          break;
        }
        case State.ChunkSize: {
          const r = this.until(buf, off, CRLF, MAX_CHUNK_LINE, 'chunk-size line');
          if (!r) return;
          off = r.next;
          const m = CHUNK_SIZE.exec(r.bytes.toString('latin1'));
          if (!m) throw protocolError('bad chunk size');
          this.remaining = Number.parseInt(m[1]!, 16);
          if (this.bodyBytes + this.remaining > this.limits.maxBodyBytes) throw this.tooLarge();
          this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
          break;
        }
        case State.ChunkEnd: {
          const r = this.until(buf, off, CRLF, 0, 'chunk end');
          if (!r) return;
          off = r.next;
          this.state = State.ChunkSize;
          break;
        }
        case State.Trailers: {
          const r = this.until(buf, off, CRLF, this.limits.maxHeadBytes, 'trailer');
          if (!r) return;
          off = r.next;
          this.trailerBytes += r.bytes.length + 2;
          if (this.trailerBytes > this.limits.maxHeadBytes)
            throw new TransportError('too-large', 'trailers too large');
          if (r.bytes.length === 0) this.state = this.finish();
          else if (!HEADER_LINE.test(r.bytes.toString('latin1'))) throw protocolError('bad trailer line');
          break;
        }
        case State.UntilClose:
          this.body(off === 0 ? buf : buf.subarray(off));
          return;
        case State.Done:
          // Bytes after a complete response: nothing was asked for them, so the connection is not trusted again.
          this.reusable = false;
          return;
      }
    }
  }

  /** The connection delivered its last byte: completes a close-delimited body, else the response is cut short. */
  end(): void {
    if (this.state === State.Done) return;
    if (this.state === State.UntilClose) {
      this.state = State.Done;
      this.done = true;
      this.reusable = false;
      return;
    }
    throw new TransportError(
      'reset',
      this.started ? 'connection closed mid-response' : 'connection closed before a response',
      'ECONNRESET',
    );
  }

  private onHead(head: Buffer): void {
    const { minor, status, headers } = parseHead(head);
    if (status < 200) {
      if (status === 101) throw protocolError('unrequested protocol switch (101)');
      if (++this.interim > MAX_INTERIM) throw protocolError('too many interim (1xx) responses');
      return; // 100 Continue, 103 Early Hints…: the final response follows
    }
    const conn = headers.connection;
    this.keepAlive = minor === 1 ? !hasToken(conn, 'close') : hasToken(conn, 'keep-alive');
    const te = headers['transfer-encoding'];
    const cl = headers['content-length'];
    const length = cl === undefined ? undefined : contentLength(cl);
    this.sink.head({ status, headers });
    if (this.noBody || status === 204 || status === 304) {
      this.state = this.finish();
    } else if (te !== undefined) {
      if (trimOws(te).toLowerCase() !== 'chunked')
        throw protocolError(`unsupported transfer-encoding "${te.slice(0, 40)}"`);
      // Both framings stated: chunked wins, and the connection is not trusted again.
      if (length !== undefined) this.keepAlive = false;
      this.state = State.ChunkSize;
    } else if (length !== undefined) {
      if (length > this.limits.maxBodyBytes) throw this.tooLarge();
      this.remaining = length;
      this.state = length === 0 ? this.finish() : State.Length;
    } else {
      this.keepAlive = false;
      this.state = State.UntilClose;
    }
  }

  private body(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.bodyBytes += chunk.length;
    if (this.bodyBytes > this.limits.maxBodyBytes) throw this.tooLarge();
    this.sink.data(chunk);
  }

  private finish(): State.Done {
    this.done = true;
    this.reusable = this.keepAlive;
    return State.Done;
  }

  private tooLarge(): TransportError {
    return new TransportError('too-large', `response body larger than ${this.limits.maxBodyBytes} bytes`);
  }

  /**
   * The bytes up to `term` (which may straddle pieces), and the offset in `buf` just past it; undefined (the bytes
   * kept) while it has not arrived. More than `limit` bytes before it is an error.
   */
  private until(buf: Buffer, off: number, term: Buffer, limit: number, what: string) {
    if (this.accLen === 0) {
      const i = buf.indexOf(term, off);
      if (i >= 0) {
        if (i - off > limit) throw this.overLimit(what, limit);
        return { bytes: buf.subarray(off, i), next: i + term.length };
      }
    }
    const old = this.accLen;
    const add = buf.length - off;
    if (old + add > this.acc.length) {
      const grown = Buffer.allocUnsafe(Math.max(old + add, this.acc.length * 2, 256));
      this.acc.copy(grown, 0, 0, old);
      this.acc = grown;
    }
    buf.copy(this.acc, old, off);
    this.accLen = old + add;
    const i =
      old === 0 ? -1 : this.acc.subarray(0, this.accLen).indexOf(term, Math.max(0, old - term.length + 1));
    if (i < 0) {
      if (this.accLen > limit + term.length - 1) throw this.overLimit(what, limit);
      return undefined;
    }
    if (i > limit) throw this.overLimit(what, limit);
    this.accLen = 0;
    return { bytes: Buffer.from(this.acc.subarray(0, i)), next: off + (i + term.length - old) };
  }

  private overLimit(what: string, limit: number): TransportError {
    return limit === 0
      ? protocolError(`bytes where the ${what} belongs`)
      : new TransportError('too-large', `${what} larger than ${limit} bytes`);
  }
}
