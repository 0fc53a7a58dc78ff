// Conditional HEADs: a registry whose ETags are manifest digests (seen in an answer of this run) is asked
// `If-None-Match: "<locked digest>"`, and its 304 stands for what the lock says the tag points at. Distribution checks
// the condition before it reads the manifest, so an unchanged tag costs the registry less. A 304 is only ever the
// answer to a condition sent; one whose digest header names another digest is refused.

import type { ImageRef } from '../model/reference.js';
import { redactUrl } from '../util/redact.js';
import type { Endpoint } from './endpoints.js';
import { type RequestContext, registryError } from './errors.js';
import type { ClientParts } from './exchange.js';
import { DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX } from './mediatypes.js';
import type { PolicyResponse } from './transport/requester.js';
import type { CurrentImage, RawResolution } from './types.js';
import { sanitizeText } from './validate.js';

/** A conditional HEAD may also answer 304: the tag still points at the digest asked about. */
export const CONDITIONAL_HEAD_OK: readonly number[] = [200, 304, 405, 501];

/**
 * The condition a HEAD for `ref` carries at `ep`: the current digest when the endpoint's ETags are manifest digests
 * (learnt from an answer in this run) and the lock knows what a 304 stands for; otherwise none.
 */
export function conditionOf(
  parts: ClientParts,
  ep: Endpoint,
  ref: ImageRef,
  current: CurrentImage | undefined,
) {
  if (!current || ref.digest || !parts.digestEtags.has(ep)) return undefined;
  if (current.mediaType === undefined && !current.platforms?.length) return undefined;
  return current;
}

/** Remember that `ep` answers with the manifest digest as its ETag (Distribution, Docker Hub, Harbor, Zot…). */
export function learnEtags(parts: ClientParts, ep: Endpoint, etag: string | undefined, digest: string) {
  if (etag === undefined || parts.digestEtags.has(ep)) return;
  const bare = etag.startsWith('W/') ? etag.slice(2) : etag;
  if (bare === `"${digest}"`) parts.digestEtags.add(ep);
}

/**
 * A 304: the tag still points at `current`. A digest header, if any, must say the same. The index of a Legacy pick
 * has no media type in the lock: it is the kind its platforms' manifests imply, and reaches no output (the import
 * records the chosen platform).
 */
export function notModified(head: PolicyResponse, ctx: RequestContext, current: CurrentImage): RawResolution {
  const header = head.headers['docker-content-digest'];
  if (header !== undefined && header !== current.digest) {
    throw registryError(
      'DIGEST_MISMATCH',
      { ...ctx, url: redactUrl(head.url) },
      `answered 304 Not Modified for ${current.digest} but its digest header says ${sanitizeText(header, 100)}`,
    );
  }
  const platforms = current.platforms?.length ? current.platforms : undefined;
  const mediaType =
    current.mediaType ?? (platforms!.every((p) => p.mediaType === DOCKER_MANIFEST) ? DOCKER_LIST : OCI_INDEX);
  return { digest: current.digest, mediaType, ...(platforms ? { platforms } : {}), verified: false };
}
