// Image metadata for PR bodies: the config blob of a platform manifest (an index uses its Legacy choice), hashed,
// its registry-controlled text bounded and charset-checked.

import { type ImageRef, isSha256Digest, withDefaultTag } from '../model/reference.js';
import { redactUrl } from '../util/redact.js';
import type { Endpoint } from './endpoints.js';
import { registryError } from './errors.js';
import { type ClientParts, repoAsk } from './exchange.js';
import { indexPlatforms, parseManifest, sha256Digest } from './manifest.js';
import { contextOf, getManifest } from './manifests.js';
import { isIndexMediaType } from './mediatypes.js';
import { choosePlatform } from './platform.js';
import type { CallOptions, ImageMetadata } from './types.js';
import { isTimestamp, sanitizeLabels, sanitizeRevision, sanitizeText, sanitizeUrl } from './validate.js';

/** The parts of an image config this reads. */
interface ImageConfig {
  created?: string;
  config?: { Labels?: Record<string, string> | null };
}

/** Creation time and OCI labels from the image config, read by digest (mirrors first). */
export function fetchMetadata(
  parts: ClientParts,
  input: ImageRef,
  digest: string,
  opts: CallOptions,
): Promise<ImageMetadata> {
  const ref = withDefaultTag(input);
  return parts.endpoints.via(ref, (ep) => metadataAt(parts, ep, ref, digest), {
    byDigest: true,
    insecure: opts.insecure,
  });
}

async function metadataAt(
  parts: ClientParts,
  ep: Endpoint,
  ref: ImageRef,
  digest: string,
): Promise<ImageMetadata> {
  const ctx = contextOf(ref);
  let m = await getManifest(parts, ep, ref, digest, digest);
  if (isIndexMediaType(m.mediaType)) {
    const chosen = choosePlatform(indexPlatforms(m.doc), {});
    if (!chosen) throw registryError('BAD_RESPONSE', ctx, `the index ${digest} lists no platforms`);
    m = await getManifest(parts, ep, ref, chosen.digest, chosen.digest);
  }
  const cfg = m.doc.config?.digest;
  if (!cfg || !isSha256Digest(cfg))
    throw registryError('BAD_RESPONSE', ctx, `manifest ${m.digest} has no config digest`);
  const res = await parts.exchange.fetch(
    repoAsk({ ep, ref, ctx }, 'GET', `blobs/${cfg}`, '*/*', `GET config blob ${cfg}`),
  );
  const computed = sha256Digest(res.body);
  if (computed !== cfg) {
    throw registryError(
      'DIGEST_MISMATCH',
      { ...ctx, url: redactUrl(res.url) },
      `config blob ${cfg} hashes to ${computed}`,
    );
  }
  const doc = parseManifest(res.body) as ImageConfig | undefined;
  if (!doc) throw registryError('BAD_RESPONSE', ctx, `config blob ${cfg} is not JSON`);
  return metadataOf(doc);
}

/** Registry-controlled text: bounded, control characters removed, URLs and revisions charset-checked. */
function metadataOf(doc: ImageConfig): ImageMetadata {
  const labels = sanitizeLabels(doc.config?.Labels);
  const md: ImageMetadata = { labels };
  if (isTimestamp(doc.created)) md.created = doc.created;
  const src = sanitizeUrl(labels['org.opencontainers.image.source']);
  const rev = sanitizeRevision(labels['org.opencontainers.image.revision']);
  const ver = labels['org.opencontainers.image.version'];
  if (src) md.source = src;
  if (rev) md.revision = rev;
  if (ver) md.version = sanitizeText(ver, 100);
  return md;
}
