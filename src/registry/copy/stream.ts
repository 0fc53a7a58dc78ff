// One blob streamed from a source GET into a target PUT: never the whole blob in memory (the PUT's body is the
// GET's response, back-pressured), every byte counted and hashed on the way, and a blob that is longer, shorter
// or other than its descriptor says aborts the PUT, so the target never completes an upload of wrong bytes.

import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ImagestreamsError } from '../../model/errors.js';
import { redactUrl } from '../../util/redact.js';
import type { Answer } from '../check.js';
import { type RequestContext, registryError } from '../errors.js';
import type { KeptAliveAgents } from '../transport/http.js';

/** Kept-alive agents for streamed transfers: the buffered transport's own (one pool), or ones of their own. */
export type StreamAgents = KeptAliveAgents & { close(): void };

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
  agents: StreamAgents;
  /** Abort when a socket is idle this long. */
  idleTimeoutMs: number;
  /** Why a GET redirect must not be followed (allowlist, downgrade), or undefined. */
  redirectRefusal: (from: URL, to: URL) => string | undefined;
}

const MAX_ANSWER_BYTES = 64 * 1024;

function send(end: StreamEnd, method: string, agents: StreamAgents, idleMs: number) {
  const secure = end.url.protocol === 'https:';
  const agent = secure ? (end.insecureTls ? agents.insecure : agents.https) : agents.http;
  const req = (secure ? https : http).request(end.url, { method, headers: end.headers, agent });
  req.setTimeout(idleMs, () => req.destroy(transportError(end, `no data for ${idleMs} ms`)));
  return req;
}

function transportError(end: StreamEnd, what: string, cause?: unknown) {
  return registryError('REGISTRY_UNAVAILABLE', { ...end.ctx, url: redactUrl(end.url) }, what, {
    ...(cause !== undefined ? { cause } : {}),
    data: { transport: 'stream' },
  });
}

function responseOf(req: http.ClientRequest, end: StreamEnd): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e instanceof ImagestreamsError
          ? e
          : transportError(end, `connection failed (${e.code ?? e.message})`, e),
      ),
    );
  });
}

async function readSmall(res: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    n += c.length;
    if (n <= MAX_ANSWER_BYTES) chunks.push(c);
  }
  return Buffer.concat(chunks);
}

function headersOf(res: http.IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(res.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** GET the source blob, following redirects (Authorization kept only on its own origin). */
async function openSource(o: StreamBlobOptions): Promise<http.IncomingMessage | Answer> {
  let end = o.get;
  for (let hop = 0; hop <= 5; hop++) {
    const req = send(end, 'GET', o.agents, o.idleTimeoutMs);
    req.end();
    const res = await responseOf(req, end);
    const loc = res.headers.location;
    if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && loc) {
      res.resume();
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
    if (res.statusCode !== 200) {
      return {
        status: res.statusCode ?? 0,
        headers: headersOf(res),
        body: await readSmall(res),
        url: end.url,
      };
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
      done(null, chunk);
    },
    flush(done) {
      if (seen !== o.size)
        return done(wrong(`blob ${o.digest} ended after ${seen} of its descriptor's ${o.size} bytes`));
      const got = `sha256:${hash.digest('hex')}`;
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
  if (!(src instanceof http.IncomingMessage)) return { side: 'source', answer: src };
  const declared = src.headers['content-length'];
  if (declared !== undefined && Number(declared) !== o.size) {
    src.destroy();
    throw registryError(
      'DIGEST_MISMATCH',
      { ...o.get.ctx, url: redactUrl(o.get.url) },
      `blob ${o.digest} is served with ${declared} bytes, its descriptor says ${o.size}`,
    );
  }
  const put = send(
    {
      ...o.put,
      headers: {
        ...o.put.headers,
        'content-type': 'application/octet-stream',
        'content-length': String(o.size),
      },
    },
    'PUT',
    o.agents,
    o.idleTimeoutMs,
  );
  const answered = responseOf(put, o.put);
  answered.catch(() => {});
  try {
    await pipeline(src, meter(o), put);
  } catch (e) {
    put.destroy();
    src.destroy();
    if (e instanceof ImagestreamsError) throw e;
    throw transportError(
      o.get,
      `the transfer broke off (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      e,
    );
  }
  const res = await answered;
  return {
    side: 'target',
    answer: {
      status: res.statusCode ?? 0,
      headers: headersOf(res),
      body: await readSmall(res),
      url: o.put.url,
    },
  };
}
