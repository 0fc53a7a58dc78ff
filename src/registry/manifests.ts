// Manifests: HEAD for what a tag points at (a well-formed digest header is trusted until confirmed), GET with the
// digest computed from the exact bytes, indexes read by digest and their platforms cached per client.

import type { PlatformImage } from '../model/lock.js';
import { formatFamiliar, type ImageRef, isSha256Digest, withDefaultTag } from '../model/reference.js';
import { redactUrl } from '../util/redact.js';
import { CONDITIONAL_HEAD_OK, conditionOf, learnFrom, notModified, refuseConditions } from './conditional.js';
import type { Endpoint, Route } from './endpoints.js';
import { describeBody, type RequestContext, registryError } from './errors.js';
import { type ClientParts, repoAsk } from './exchange.js';
import {
  indexPlatforms,
  indexProblem,
  type ManifestDoc,
  manifestMediaType,
  parseManifest,
  sha256Digest,
} from './manifest.js';
import { bareMediaType, isIndexMediaType, isKnownManifestType, MANIFEST_ACCEPT } from './mediatypes.js';
import type { PolicyResponse } from './transport/requester.js';
import type { CallOptions, CurrentImage, RawOptions, RawResolution } from './types.js';
import { sanitizeText } from './validate.js';

/** A manifest read by GET: its digest (of the bytes), media type and parsed document. */
export interface FetchedManifest {
  digest: string;
  mediaType: string;
  doc: ManifestDoc;
}

/** The context of errors about a reference: its registry and familiar form (tag defaulted). */
export function contextOf(ref: ImageRef): RequestContext {
  return { registry: ref.domain, reference: formatFamiliar(withDefaultTag(ref)) };
}

/** The digest, media type and document of a GET answer, every check applied (header, `expect`, type). */
function verifiedManifest(res: PolicyResponse, ctx: RequestContext, expect?: string): FetchedManifest {
  const c = { ...ctx, url: redactUrl(res.url) };
  const computed = sha256Digest(res.body);
  const header = res.headers['docker-content-digest'];
  if (header && isSha256Digest(header) && header !== computed) {
    throw registryError(
      'DIGEST_MISMATCH',
      c,
      `the registry's digest header says ${header} but the manifest bytes hash to ${computed}`,
      { data: { header, computed } },
    );
  }
  if (expect && expect !== computed) {
    throw registryError(
      'DIGEST_MISMATCH',
      c,
      `asked for ${expect} but the manifest bytes hash to ${computed}`,
      {
        data: { expected: expect, computed },
      },
    );
  }
  const ct = bareMediaType(res.headers['content-type']);
  const doc = parseManifest(res.body);
  if (!doc) throw registryError('BAD_RESPONSE', c, `the manifest is not JSON: ${describeBody(res.body, ct)}`);
  const mediaType = manifestMediaType(ct, doc);
  if (!mediaType) {
    throw registryError(
      'BAD_RESPONSE',
      c,
      `unsupported manifest type ${sanitizeText(JSON.stringify(ct ?? doc.mediaType ?? `schemaVersion ${doc.schemaVersion}`) ?? '', 100)}; only OCI and Docker schema2 manifests and indexes are supported`,
    );
  }
  return { digest: computed, mediaType, doc };
}

/** GET a manifest; the digest is the sha256 of the exact bytes, checked against header and `expect`. */
export async function getManifest(
  parts: ClientParts,
  ep: Endpoint,
  ref: ImageRef,
  reference: string,
  expect?: string,
): Promise<FetchedManifest> {
  const ctx = contextOf(ref);
  const res = await parts.exchange.fetch(
    repoAsk({ ep, ref, ctx }, 'GET', `manifests/${reference}`, MANIFEST_ACCEPT, `GET manifest ${reference}`),
  );
  return verifiedManifest(res, ctx, expect);
}

/** Index platforms per `domain/path@digest`: read once per client (or seeded from the lock). */
export class IndexCache {
  private readonly entries = new Map<string, Promise<PlatformImage[]>>();
  /** Index digests whose platforms came from the lock, not from bytes hashed in this run. */
  private readonly seeded = new Set<string>();

  constructor(private readonly parts: ClientParts) {}

  /** Check an index read in this run and remember its platforms. */
  remember(ref: ImageRef, digest: string, doc: ManifestDoc): PlatformImage[] {
    const ctx = contextOf(ref);
    const problem = indexProblem(doc);
    if (problem) throw registryError('BAD_RESPONSE', ctx, `the index ${digest} is refused: ${problem}`);
    const platforms = indexPlatforms(doc);
    if (platforms.length === 0)
      throw registryError('BAD_RESPONSE', ctx, `the index ${digest} lists no platforms`);
    this.entries.set(keyOf(ref, digest), Promise.resolve(platforms));
    return platforms;
  }

  /** Seed from a lock (an index digest's platforms never change), saving a GET per known index. */
  seed(ref: ImageRef, digest: string, platforms: PlatformImage[]): void {
    const key = keyOf(ref, digest);
    if (this.entries.has(key)) return;
    this.seeded.add(key);
    this.entries.set(key, Promise.resolve(platforms));
  }

  /** An index's platforms: from the cache, else read by digest (mirrors first, bytes hashed). */
  async platformsOf(ref: ImageRef, digest: string, opts: CallOptions) {
    const key = keyOf(ref, digest);
    let p = this.entries.get(key);
    if (!p) {
      p = this.parts.endpoints
        .via(ref, (ep) => getManifest(this.parts, ep, ref, digest, digest), {
          byDigest: true,
          insecure: opts.insecure,
        })
        .then((m) => this.remember(ref, digest, m.doc));
      p.catch(() => this.entries.delete(key));
      this.entries.set(key, p);
    }
    return { platforms: await p, verified: !this.seeded.has(key) };
  }
}

const keyOf = (ref: ImageRef, digest: string) => `${ref.domain}/${ref.path}@${digest}`;

/** A GET answer as a resolution: verified, with the platforms of an index. */
function fromManifest(indexes: IndexCache, ref: ImageRef, m: FetchedManifest): RawResolution {
  if (!isIndexMediaType(m.mediaType)) return { digest: m.digest, mediaType: m.mediaType, verified: true };
  return {
    digest: m.digest,
    mediaType: m.mediaType,
    platforms: indexes.remember(ref, m.digest, m.doc),
    verified: true,
  };
}

/** What a HEAD may answer besides errors: 405 and 501 from registries that refuse HEAD (then GET). */
const HEAD_OK: readonly number[] = [200, 405, 501];
/** HEAD at one endpoint (conditional when `current` allows it): a usable digest header answers; else GET and hash. */
async function headOrGet(
  parts: ClientParts,
  indexes: IndexCache,
  ep: Endpoint,
  ref: ImageRef,
  current: CurrentImage | undefined,
) {
  const ctx = contextOf(ref);
  const reference = ref.digest ?? ref.tag!;
  const ask = repoAsk(
    { ep, ref, ctx },
    'HEAD',
    `manifests/${reference}`,
    MANIFEST_ACCEPT,
    `HEAD manifest ${reference}`,
  );
  const condition = conditionOf(parts, ep, ref, current);
  if (condition) ask.headers = { 'if-none-match': condition.header };
  const head = await parts.exchange.fetch(ask, condition ? CONDITIONAL_HEAD_OK : HEAD_OK);
  if (head.status === 304) {
    if (condition?.current) return notModified(head, ctx, condition.current);
    // Not Modified to the probe: this registry's 304s say nothing. Ask again, without a condition.
    refuseConditions(parts, ep, ref.domain);
    return headOrGet(parts, indexes, ep, ref, current);
  }
  const digest = head.headers['docker-content-digest'];
  const mediaType = bareMediaType(head.headers['content-type']);
  if (head.status === 200 && digest && isSha256Digest(digest) && isKnownManifestType(mediaType)) {
    if (ref.digest && digest !== ref.digest) {
      throw registryError(
        'DIGEST_MISMATCH',
        { ...ctx, url: redactUrl(head.url) },
        `asked for ${ref.digest} but the registry answered ${digest}`,
      );
    }
    if (condition && !condition.current) learnFrom(parts, ep, head.headers.etag, digest);
    // A digest the declaration names is not the registry's claim; a tag's digest is until hashed.
    return { digest, mediaType: mediaType!, verified: ref.digest !== undefined };
  }
  if (head.status === 200) {
    parts.logger.debug('no usable digest header on HEAD; reading the manifest', {
      registry: ref.domain,
      reference: ctx.reference,
      header: digest ? 'malformed' : 'missing',
    });
  }
  return fromManifest(indexes, ref, await getManifest(parts, ep, ref, reference, ref.digest));
}

/** The routes of a call by its insecure flag (one object each, not one per request). */
const SECURE_CALL: Route = { insecure: false };
const INSECURE_CALL: Route = { insecure: true };

/**
 * HEAD (all four types) at the registry itself; trust a well-formed digest header for what the tag points at
 * (`verified: false`: nobody hashed it yet), otherwise GET and hash. Indexes are read by digest.
 */
export async function resolveRaw(
  parts: ClientParts,
  indexes: IndexCache,
  input: ImageRef,
  opts: RawOptions,
): Promise<RawResolution> {
  const ref = withDefaultTag(input);
  const found = await parts.endpoints.via(
    ref,
    (ep) => headOrGet(parts, indexes, ep, ref, opts.current),
    opts.insecure ? INSECURE_CALL : SECURE_CALL,
  );
  if (found.platforms || !isIndexMediaType(found.mediaType)) return found;
  return { ...found, ...(await indexes.platformsOf(ref, found.digest, opts)) };
}

/**
 * Make sure a resolution's digest is the hash of real bytes: when it came from a header alone, GET the manifest
 * by that digest (mirrors first) and hash it. Called for digests that differ from the lock, before they are
 * locked or proposed; a no-op run never pays for it.
 */
export async function confirm(
  parts: ClientParts,
  indexes: IndexCache,
  input: ImageRef,
  raw: RawResolution,
  opts: CallOptions,
): Promise<RawResolution> {
  if (raw.verified) return raw;
  const ref = withDefaultTag(input);
  const m = await parts.endpoints.via(ref, (ep) => getManifest(parts, ep, ref, raw.digest, raw.digest), {
    byDigest: true,
    insecure: opts.insecure,
  });
  return fromManifest(indexes, ref, m);
}

/**
 * Whether the manifest `digest` exists in `ref`'s repository, asked of the registry itself (never a mirror: a
 * mirror's copy says nothing about the origin). One HEAD; a 404 is false. Without a usable digest header (or on
 * a registry that refuses HEAD) the manifest is read by digest and its bytes hashed. Other failures throw.
 */
export async function manifestExists(
  parts: ClientParts,
  input: ImageRef,
  digest: string,
  opts: CallOptions,
): Promise<boolean> {
  const ref = { ...input, digest };
  const ctx = contextOf(ref);
  return parts.endpoints.via(
    ref,
    async (ep) => {
      const at = { ep, ref, ctx };
      const head = await parts.exchange.fetch(
        repoAsk(at, 'HEAD', `manifests/${digest}`, MANIFEST_ACCEPT, `HEAD manifest ${digest}`),
        [200, 404, 405, 501],
      );
      if (head.status === 404) return false;
      const header = head.headers['docker-content-digest'];
      if (head.status === 200 && header && isSha256Digest(header)) {
        if (header === digest) return true;
        throw registryError(
          'DIGEST_MISMATCH',
          { ...ctx, url: redactUrl(head.url) },
          `asked for ${digest} but the registry answered ${header}`,
        );
      }
      const res = await parts.exchange.fetch(
        repoAsk(at, 'GET', `manifests/${digest}`, MANIFEST_ACCEPT, `GET manifest ${digest}`),
        [200, 404],
      );
      if (res.status === 404) return false;
      verifiedManifest(res, ctx, digest);
      return true;
    },
    { insecure: opts.insecure },
  );
}
