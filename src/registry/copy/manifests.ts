// Manifests as the copier reads and checks them: a HEAD that trusts only an exact digest, a GET whose bytes must
// hash to the digest asked for, and the blobs a platform manifest references (validated before any is copied).

import { isSha256Digest } from '../../model/reference.js';
import { redactUrl } from '../../util/redact.js';
import { type RequestContext, registryError } from '../errors.js';
import { type ManifestDoc, manifestMediaType, parseManifest, sha256Digest } from '../manifest.js';
import type { Repo, Repos } from './repos.js';

/** A blob as a manifest describes it. */
export interface Descriptor {
  digest: string;
  size: number;
  mediaType?: string;
  urls?: unknown;
}

/** HEAD and GET of manifests over the copier's plumbing. */
export function manifestCalls(repos: Pick<Repos, 'call' | 'ctxOf' | 'fail'>) {
  const { call, ctxOf, fail } = repos;
  /** HEAD a manifest (by digest, or a tag) at the target: set when it answers with exactly this digest. */
  async function hasManifest(
    dst: Repo,
    digest: string,
    reference = digest,
  ): Promise<{ size?: number } | undefined> {
    const res = await call(dst, 'HEAD', `/v2/${dst.ref.path}/manifests/${reference}`, ctxOf(dst.ref, digest));
    if (res.status !== 200 || res.headers['docker-content-digest'] !== digest) return undefined;
    const len = res.headers['content-length'];
    return len !== undefined ? { size: Number(len) } : {};
  }

  async function getManifest(src: Repo, digest: string) {
    const ctx = ctxOf(src.ref, digest);
    const res = await call(src, 'GET', `/v2/${src.ref.path}/manifests/${digest}`, ctx);
    if (res.status !== 200) throw await fail(res, src, ctx, `source: GET manifest ${digest}`);
    const computed = sha256Digest(res.body);
    if (computed !== digest)
      throw registryError(
        'DIGEST_MISMATCH',
        { ...ctx, url: redactUrl(res.url) },
        `source: manifest ${digest} hashes to ${computed}`,
      );
    const doc = parseManifest(res.body);
    const mediaType = doc && manifestMediaType(res.headers['content-type']?.split(';')[0]?.trim(), doc);
    if (!doc || !mediaType)
      throw registryError(
        'BAD_RESPONSE',
        ctx,
        `source: ${digest} is not an OCI or Docker schema2 manifest or index`,
      );
    return { bytes: res.body, doc, mediaType };
  }

  return { hasManifest, getManifest };
}

/** The blobs a platform manifest references (foreign, non-distributable layers stay where their URLs say). */
export function blobsOf(doc: ManifestDoc, ctx: RequestContext): Descriptor[] {
  const all = [doc.config, ...((doc.layers ?? []) as Descriptor[])].filter(Boolean) as Descriptor[];
  for (const d of all) {
    if (!isSha256Digest(d.digest) || !Number.isSafeInteger(d.size) || d.size < 0)
      throw registryError(
        'BAD_RESPONSE',
        ctx,
        'source: a manifest names a blob without a sha256 digest and a size',
      );
  }
  return all.filter((d) => !(d.urls && /foreign|nondistributable/.test(d.mediaType ?? '')));
}
