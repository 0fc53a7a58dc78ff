// One blob streamed from a source GET into a target PUT: never the whole blob in memory (the PUT's body is the
// GET's response, back-pressured), every byte counted and hashed on the way, and a blob that is longer, shorter
// or other than its descriptor says aborts the PUT, so the target never completes an upload of wrong bytes.

import { createHash } from 'node:crypto';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ImagestreamsError } from '../../model/errors.js';
import { redactUrl } from '../../util/redact.js';
import type { Answer } from '../check.js';
import { type RequestContext, registryError } from '../errors.js';
import { TransportError } from '../transport/http.js';
import type { StreamResponse, StreamTransport } from '../transport/wire.js';

/** One side of a transfer: where, with which headers (Authorization included when the side needs one). */
export interface StreamEnd {
  url: URL;
  headers: Record<string, string>;
  insecureTls?: boolean;
  ctx: RequestContext;
}

/** A streamed transfer's options. */
export interface StreamBlobOptions {
  get: StreamEnd;
  put: StreamEnd;
  /** The descriptor's digest and size: the bytes must match both. */
  digest: string;
  size: number;
  /** The transport whose pool the transfer's connections come from (the buffered requests' own: one pool). */
  transport: StreamTransport;
  /** Abort when a connection is idle this long. */
  idleTimeoutMs: number;
  /** Why a GET redirect must not be followed (allowlist, downgrade), or undefined. */
  redirectRefusal: (from: URL, to: URL) => string | undefined;
}

const MAX_ANSWER_BYTES = 64 * 1024;

function transportError(end: StreamEnd, what: string, cause?: unknown) {
  return registryError('REGISTRY_UNAVAILABLE', { ...end.ctx, url: redactUrl(end.url) }, what, {
    ...(cause !== undefined ? { cause } : {}),
    data: { transport: 'stream' },
  });
}

/** Why a transfer failed below HTTP, in words: the transport's classification, else the error's code. */
function failure(e: unknown): string {
  if (e instanceof TransportError) return `${e.kind}: ${e.message}`;
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

/** `req` on `end`'s connection pool; a failure below HTTP becomes REGISTRY_UNAVAILABLE. */
async function open(
  o: StreamBlobOptions,
  end: StreamEnd,
  method: string,
  headers = end.headers,
  body?: Readable,
) {
  try {
    return await o.transport.stream({
      method,
      url: end.url,
      headers,
      ...(body ? { body } : {}),
      ...(end.insecureTls ? { insecureTls: true } : {}),
      idleTimeoutMs: o.idleTimeoutMs,
    });
  } catch (e) {
    // A streamed body's failure (the source's, or its meter's) is the transfer's, not this connection's.
    if (e instanceof ImagestreamsError || body) throw e;
    throw transportError(end, `connection failed (${failure(e)})`, e);
  }
}

/** An answer's body, at most MAX_ANSWER_BYTES of it: a longer one closes its connection rather than be read. */
async function readSmall(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > MAX_ANSWER_BYTES) {
      body.destroy();
      break;
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

const isAnswer = (r: StreamResponse | Answer): r is Answer => Buffer.isBuffer(r.body);

/** GET the source blob, following redirects (Authorization kept only on its own origin). */
async function openSource(o: StreamBlobOptions): Promise<StreamResponse | Answer> {
  let end = o.get;
  for (let hop = 0; hop <= 5; hop++) {
    const res = await open(o, end, 'GET');
    const loc = res.headers.location;
    if (res.status >= 300 && res.status < 400 && loc) {
      await readSmall(res.body).catch(() => undefined);
      const next = new URL(loc, end.url);
      const refusal = o.redirectRefusal(end.url, next);
      if (refusal) {
        throw registryError('NOT_ALLOWED', { ...end.ctx, url: redactUrl(end.url) }, refusal, {
          permanent: true,
        });
      }
      const { authorization: _dropped, ...rest } = end.headers;
      end = { ...end, url: next, headers: next.origin === end.url.origin ? end.headers : rest };
      continue;
    }
    if (res.status !== 200) {
      return { status: res.status, headers: res.headers, body: await readSmall(res.body), url: end.url };
    }
    return res;
  }
  throw registryError('BAD_RESPONSE', o.get.ctx, 'too many redirects');
}

/** Counts and hashes bytes in flight; fails the pipeline as soon as they disagree with the descriptor. */
function meter(o: StreamBlobOptions): Transform {
  const hash = createHash('sha256');
  let seen = 0;
  const wrong = (what: string) =>
    registryError('DIGEST_MISMATCH', { ...o.get.ctx, url: redactUrl(o.get.url) }, what, {
      data: { expected: o.digest, size: o.size },
    });
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > o.size)
        return done(wrong(`blob ${o.digest} is longer than its descriptor's ${o.size} bytes`));
      hash.update(chunk);
      if (seen === o.size) {
        // The digest is checked before the last bytes go on: the target never receives a whole wrong blob.
        const got = `sha256:${hash.digest('hex')}`;
        if (got !== o.digest) return done(wrong(`blob ${o.digest} hashes to ${got}`));
      }
      done(null, chunk);
    },
    flush(done) {
      if (seen !== o.size)
        return done(wrong(`blob ${o.digest} ended after ${seen} of its descriptor's ${o.size} bytes`));
      // An empty blob saw no chunk to check its digest on.
      const got = o.size === 0 ? `sha256:${hash.digest('hex')}` : o.digest;
      if (got !== o.digest) return done(wrong(`blob ${o.digest} hashes to ${got}`));
      done();
    },
  });
}

/**
 * Stream the source blob into the target's upload URL (a monolithic PUT with `?digest=`). Returns the source's
 * answer when it is not 200 (the caller reports it), else the target's answer to the PUT.
 */
export async function streamBlob(
  o: StreamBlobOptions,
): Promise<{ side: 'source' | 'target'; answer: Answer }> {
  const src = await openSource(o);
  if (isAnswer(src)) return { side: 'source', answer: src };
  const declared = src.headers['content-length'];
  if (declared !== undefined && Number(declared) !== o.size) {
    src.body.destroy();
    throw registryError(
      'DIGEST_MISMATCH',
      { ...o.get.ctx, url: redactUrl(o.get.url) },
      `blob ${o.digest} is served with ${declared} bytes, its descriptor says ${o.size}`,
    );
  }
  // The PUT's body is the GET's, metered: a wrong byte count or digest fails the PUT before it completes.
  const metered = meter(o);
  const piped = pipeline(src.body, metered);
  piped.catch(() => {});
  const headers = {
    ...o.put.headers,
    'content-type': 'application/octet-stream',
    'content-length': String(o.size),
  };
  try {
    const res = await open(o, o.put, 'PUT', headers, metered);
    const body = await readSmall(res.body);
    return { side: 'target', answer: { status: res.status, headers: res.headers, body, url: o.put.url } };
  } catch (e) {
    if (e instanceof ImagestreamsError) throw e;
    throw transportError(o.get, `the transfer broke off (${failure(e)})`, e);
  } finally {
    // A target that answered before reading the whole blob: the source's connection goes.
    if (!src.body.readableEnded) src.body.destroy();
  }
}
