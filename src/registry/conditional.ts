// Conditional HEADs: a registry whose ETags are manifest digests, and which answered a condition that could not match
// with a 200 (the probe its first HEADs carry), is asked `If-None-Match: "<locked digest>"`, and its 304 stands for
// what the lock says the tag points at. Distribution checks the condition before it reads the manifest, so an
// unchanged tag costs the registry less. A 304 is only ever the answer to a condition sent; a 304 to the probe means
// the registry's 304s say nothing (it is asked plainly again, and from then on); one whose digest header names another
// digest is refused.

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
 * What an endpoint has shown of its conditions in this client: `trusted` — its ETags are manifest digests and it
 * answered a condition that could not match with a 200; `refused` — its ETags are something else, or it answered
 * 304 to a condition that could not match (a 304 from it would say nothing). Unknown until its first answer.
 */
export type ConditionState = 'trusted' | 'refused';

/**
 * Sent until an endpoint has answered: no manifest has this ETag, so an honest registry answers 200 (and shows its
 * ETags), and one that answers 304 to any condition gives itself away before a 304 of it is ever believed.
 */
export const PROBE = '"imagestreams-probe-never-matches"';

/** The `If-None-Match` of a HEAD, and the image a 304 to it stands for (none for a probe). */
export interface Condition {
  header: string;
  current?: CurrentImage;
}

/**
 * The condition a HEAD for `ref` carries at `ep`: the probe while the endpoint is unknown; the current digest once
 * it is trusted and the lock knows what a 304 stands for; none for a reference by digest or a refused endpoint.
 */
export function conditionOf(
  parts: ClientParts,
  ep: Endpoint,
  ref: ImageRef,
  current: CurrentImage | undefined,
): Condition | undefined {
  if (ref.digest) return undefined;
  const state = parts.conditions.get(ep);
  if (state === undefined) return { header: PROBE };
  if (state === 'refused' || !current) return undefined;
  if (current.mediaType === undefined && !current.platforms?.length) return undefined;
  return { header: `"${current.digest}"`, current };
}

/** What a 200 to a probe shows: trusted when its ETag is the manifest digest (quoted or weak), else refused. */
export function learnFrom(parts: ClientParts, ep: Endpoint, etag: string | undefined, digest: string) {
  if (parts.conditions.has(ep)) return;
  const bare = etag?.startsWith('W/') ? etag.slice(2) : etag;
  parts.conditions.set(ep, bare === `"${digest}"` ? 'trusted' : 'refused');
}

/** A 304 to the probe: the endpoint's conditions are never believed in this client. */
export function refuseConditions(parts: ClientParts, ep: Endpoint, domain: string) {
  if (parts.conditions.get(ep) === 'refused') return;
  parts.conditions.set(ep, 'refused');
  parts.logger.warn(
    'the registry answered 304 Not Modified to a condition no manifest can match; it is asked without conditions',
    { registry: domain },
  );
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
