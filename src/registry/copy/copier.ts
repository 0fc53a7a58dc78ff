// Copies an image — an index with every child manifest (attestations included), configs and layers — from one
// repository to another, bytes unchanged so the digest is preserved. Blobs the target has are skipped (HEAD), a
// blob of the same registry is mounted, any other is streamed; a failed blob is retried from a fresh upload
// session, and a copy that broke off resumes where it stopped (present manifests and blobs are skipped). After
// the copy the target is asked for the top manifest by digest: its digest and size must be the source's.

import { ImagestreamsError } from '../../model/errors.js';
import { type ImageRef, isSha256Digest } from '../../model/reference.js';
import { redactUrl } from '../../util/redact.js';
import type { Access, AccessOptions } from '../access.js';
import { type RequestContext, registryError } from '../errors.js';
import { indexProblem } from '../manifest.js';
import { isIndexMediaType } from '../mediatypes.js';
import { Limiter } from '../transport/limiter.js';
import { createWireTransport } from '../transport/wire.js';
import { blobsOf, type Descriptor, manifestCalls } from './manifests.js';
import { createRepos, type Repo } from './repos.js';
import { streamBlob } from './stream.js';
import { createOnce, eachLimit } from './work.js';

/** The copier's dependencies and limits (`retries`: of one buffered request — manifests, HEADs, upload starts). */
export interface CopierOptions extends AccessOptions {
  /** Blobs (and child manifests) in flight at once. */
  concurrency?: number;
  /** Attempts of one blob transfer, each from a fresh upload session. */
  blobAttempts?: number;
  /**
   * The run's registry client's access (`client.access`): copies then use its requester (connection pool and
   * per-registry limit), auth session (one token per scope for imports and copies) and transport for streamed blobs;
   * the access options above are then the client's. Without it the copier builds its own.
   */
  access?: Access;
}

const DEFAULTS = {
  concurrency: 4,
  timeoutMs: 60_000,
  retries: 3,
  maxRetryAfterMs: 60_000,
  blobAttempts: 3,
  backoffBaseMs: 500,
  userAgent: 'imagestreams/0.1',
};

/** One copy: `source`'s repository at `digest` into `target`'s repository (also tagged `tag`, when given). */
export interface CopyRequest {
  source: ImageRef;
  target: ImageRef;
  digest: string;
  tag?: string;
}

/** What a copy did, for reports and the bench. */
export interface CopyReport {
  digest: string;
  mediaType: string;
  size: number;
  manifests: { copied: number; present: number };
  blobs: { copied: number; mounted: number; present: number; bytes: number };
  /** Blob transfers that failed and were retried from a fresh upload session. */
  retried: number;
}

/**
 * Create a copier; `close()` drops its kept-alive connections.
 * Long: its inner steps (index, child manifests, blobs, mount-or-stream, verify) share one run's once-maps and
 * counters; each step is a short named inner function, and splitting them out would only thread that state around.
 */
export function createCopier(options: CopierOptions = {}) {
  const o = { ...DEFAULTS, ...options };
  // One pool for buffered requests and streamed blobs (the size the two separate pools it replaced had together).
  const repos = createRepos({ ...o, concurrencyPerHost: o.concurrency * 2, maxSockets: o.concurrency * 4 });
  const { ctxOf, call, fail, open, clock, logger } = repos;
  // Streamed blobs go over the transport's own pool when there is one (a shared access's or the copier's own).
  const own = repos.transport ? undefined : createWireTransport({ maxSockets: o.concurrency * 2 });
  const transport = repos.transport ?? own!;
  // A transfer holds its GET's socket until its PUT has one: at most half the pool's sockets per host in GETs, so
  // PUTs (and the buffered requests, which hold nothing while waiting) always find one — no transfer starves.
  const streams = new Limiter(Math.max(1, Math.min(o.concurrency, Math.floor(transport.maxSockets / 2))));
  const once = createOnce();
  const keyOf = (kind: string, dst: Repo, digest: string) =>
    `${kind} ${dst.ref.domain}/${dst.ref.path}@${digest}`;
  const { hasManifest, getManifest } = manifestCalls(repos);

  async function copyBlob(src: Repo, dst: Repo, d: Descriptor, report: CopyReport, mount: boolean) {
    const ctx = ctxOf(dst.ref, d.digest);
    const head = await call(dst, 'HEAD', `/v2/${dst.ref.path}/blobs/${d.digest}`, ctx);
    if (head.status === 200) {
      report.blobs.present++;
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const q = mount ? `?mount=${d.digest}&from=${encodeURIComponent(src.ref.path)}` : '';
        const start = await call(dst, 'POST', `/v2/${dst.ref.path}/blobs/uploads/${q}`, ctx, {
          headers: { 'content-length': '0' },
        });
        if (start.status === 201) {
          report.blobs.mounted++;
          return;
        }
        if (start.status !== 202 || !start.headers.location)
          throw await fail(start, dst, ctx, `target: start blob upload ${d.digest}`);
        await transfer(src, dst, d, new URL(start.headers.location, start.url), ctx);
        report.blobs.copied++;
        report.blobs.bytes += d.size;
        return;
      } catch (e) {
        const temporary = e instanceof ImagestreamsError && !e.permanent;
        if (!temporary || attempt >= o.blobAttempts) throw e;
        report.retried++;
        const delay = Math.min(o.backoffBaseMs * 2 ** (attempt - 1), 10_000);
        logger.warn('blob copy failed; retrying from a fresh upload session', {
          blob: d.digest,
          attempt,
          delayMs: delay,
          error: e.message,
        });
        await clock.sleep(delay);
      }
    }
  }

  /** Stream one blob into an upload session; Authorization goes only to the origin it belongs to. */
  async function transfer(src: Repo, dst: Repo, d: Descriptor, upload: URL, ctx: RequestContext) {
    const refusal =
      upload.origin === dst.ep.base.origin ? undefined : repos.refusal(dst.ep.base, upload, 'PUT');
    if (refusal)
      throw registryError('NOT_ALLOWED', ctx, `target: upload location refused: ${refusal}`, {
        permanent: true,
      });
    upload.searchParams.set('digest', d.digest);
    const srcCtx = ctxOf(src.ref, d.digest);
    const srcAuth = await repos.authorizationFor(src, srcCtx);
    const dstAuth = upload.origin === dst.ep.base.origin ? await repos.authorizationFor(dst, ctx) : undefined;
    const getUrl = new URL(`/v2/${src.ref.path}/blobs/${d.digest}`, src.ep.base);
    const { side, answer } = await streams.run(() =>
      streamBlob({
        get: {
          url: getUrl,
          headers: { 'user-agent': o.userAgent, ...(srcAuth ? { authorization: srcAuth } : {}) },
          ctx: srcCtx,
          ...(src.ep.insecureTls ? { insecureTls: true } : {}),
        },
        put: {
          url: upload,
          headers: { 'user-agent': o.userAgent, ...(dstAuth ? { authorization: dstAuth } : {}) },
          ctx,
          ...(dst.ep.insecureTls ? { insecureTls: true } : {}),
        },
        digest: d.digest,
        size: d.size,
        transport,
        idleTimeoutMs: o.timeoutMs,
        redirectRefusal: (from, to) => repos.refusal(from, to, 'GET'),
      }),
    );
    if (side === 'source') throw await fail(answer, src, srcCtx, `source: GET blob ${d.digest}`);
    if (answer.status !== 201) throw await fail(answer, dst, ctx, `target: PUT blob ${d.digest}`);
  }

  /** Copy one manifest and everything below it (children first: a registry refuses an index without them). */
  async function copyManifest(
    src: Repo,
    dst: Repo,
    digest: string,
    report: CopyReport,
    mount: boolean,
    tag?: string,
  ) {
    const present = await hasManifest(dst, digest);
    if (present && (!tag || (await hasManifest(dst, digest, tag)))) {
      report.manifests.present++;
      if (digest === report.digest) report.size = present.size ?? 0;
      return;
    }
    const m = await getManifest(src, digest);
    const ctx = ctxOf(dst.ref, digest);
    if (present) report.manifests.present++;
    else if (isIndexMediaType(m.mediaType)) {
      const problem = indexProblem(m.doc);
      if (problem)
        throw registryError('BAD_RESPONSE', ctx, `source: the index ${digest} is refused: ${problem}`);
      const children = (m.doc.manifests ?? []).map((e) => e.digest!);
      await eachLimit(children, o.concurrency, (c) =>
        once(
          keyOf('manifest', dst, c),
          () => copyManifest(src, dst, c, report, mount),
          () => report.manifests.present++,
        ),
      );
    } else {
      await eachLimit(blobsOf(m.doc, ctx), o.concurrency, (b) =>
        once(
          keyOf('blob', dst, b.digest),
          () => copyBlob(src, dst, b, report, mount),
          () => report.blobs.present++,
        ),
      );
    }
    for (const ref of [...(present ? [] : [digest]), ...(tag ? [tag] : [])]) {
      const res = await call(dst, 'PUT', `/v2/${dst.ref.path}/manifests/${ref}`, ctx, {
        headers: { 'content-type': m.mediaType },
        body: m.bytes,
      });
      if (res.status !== 201) throw await fail(res, dst, ctx, `target: PUT manifest ${ref}`);
      const said = res.headers['docker-content-digest'];
      if (said !== undefined && said !== digest)
        throw registryError(
          'DIGEST_MISMATCH',
          { ...ctx, url: redactUrl(res.url) },
          `target: stored manifest ${digest} as ${said}`,
        );
    }
    if (!present) report.manifests.copied++;
    if (digest === report.digest) {
      report.mediaType = m.mediaType;
      report.size = m.bytes.length;
    }
  }

  /** Copy the image at `req.digest` and check the target serves it under the same digest and size. */
  async function copy(req: CopyRequest): Promise<CopyReport> {
    if (!isSha256Digest(req.digest))
      throw registryError(
        'BAD_RESPONSE',
        ctxOf(req.source, req.digest),
        `only sha256 digests are copied, not ${req.digest}`,
        { permanent: true },
      );
    const sameRegistry = req.source.domain === req.target.domain && req.source.path !== req.target.path;
    const pull = `repository:${req.source.path}:pull`;
    const push = `repository:${req.target.path}:pull,push${sameRegistry ? ` ${pull}` : ''}`;
    const report: CopyReport = {
      digest: req.digest,
      mediaType: '',
      size: 0,
      manifests: { copied: 0, present: 0 },
      blobs: { copied: 0, mounted: 0, present: 0, bytes: 0 },
      retried: 0,
    };
    try {
      const [src, dst] = await Promise.all([open(req.source, pull), open(req.target, push)]);
      await copyManifest(src, dst, req.digest, report, sameRegistry, req.tag);
      const check = await hasManifest(dst, req.digest);
      if (!check || (report.size > 0 && check.size !== undefined && check.size !== report.size)) {
        throw registryError(
          'DIGEST_MISMATCH',
          ctxOf(req.target, req.digest),
          `target: after the copy the registry does not serve ${req.digest} (${report.size} bytes) under that digest and size; its storage or a proxy in front of it changes what it serves`,
          { permanent: true },
        );
      }
      return report;
    } catch (e) {
      if (e instanceof Error) e.message = repos.redact(e.message);
      throw e;
    }
  }

  return {
    copy,
    stats: repos.stats,
    close: () => {
      repos.close();
      own?.close();
    },
  };
}

/** The copier's interface, for injection. */
export type Copier = ReturnType<typeof createCopier>;
