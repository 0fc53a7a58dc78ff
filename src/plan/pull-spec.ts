// What a consumer of a stream tag is pinned to: the tag's current image, under its reference policy, written in
// the configured pin format (`repo:tag@sha256:…` by default, so a reviewer reads the tag; or `repo@sha256:…`).

import type { StreamLock } from '../model/lock.js';
import { tryParseReference } from '../model/reference.js';
import type { StreamLike } from '../policy/tag-spec.js';

/** How consumers are pinned (config `pinFormat`). */
export type PinFormat = 'tag-and-digest' | 'digest';

/** Pin options: the format, and the upstream tag the image came from (shown by `tag-and-digest`). */
export interface PinOptions {
  /** Default `tag-and-digest`. */
  pinFormat?: PinFormat;
  /** The upstream tag (see sourceTagOf); without one the pin is `repo@sha256:…` whatever the format. */
  sourceTag?: string;
}

/**
 * The pinned pull spec for `stream:tag`: `reference` tags pass their pull spec through as-is; `Local` gives the
 * local registry's repository (tagged with the stream tag) at the same digest; otherwise the upstream repository
 * with the upstream tag. Undefined when the tag has no image yet.
 */
export function pullSpecFor(
  stream: StreamLike,
  namespace: string,
  lock: StreamLock | undefined,
  tag: string,
  localRegistry?: string,
  opts: PinOptions = {},
): string | undefined {
  const spec = stream.spec?.tags?.find((t) => t.name === tag);
  if (spec?.reference && spec.from?.kind === 'DockerImage') return spec.from.name;
  const current = lock?.status.tags.find((t) => t.tag === tag)?.items[0];
  if (!current) return undefined;
  const withTag = (repository: string, t: string | undefined) =>
    opts.pinFormat !== 'digest' && t
      ? `${repository}:${t}@${current.image}`
      : `${repository}@${current.image}`;
  if (spec?.referencePolicy?.type === 'Local' && localRegistry) {
    return withTag(`${localRegistry}/${namespace}/${stream.metadata.name}`, tag);
  }
  const at = current.dockerImageReference.indexOf('@');
  if (at < 0) return current.dockerImageReference;
  return withTag(current.dockerImageReference.slice(0, at), opts.sourceTag);
}

/**
 * The upstream tag a stream tag's image comes from: the tag of its DockerImage `from`, or of the DockerImage at
 * the end of its ImageStreamTag chain. Undefined for ImageStreamImage pins, digest-only sources and broken chains.
 */
export function sourceTagOf(
  streams: ReadonlyMap<string, StreamLike>,
  namespace: string,
  stream: string,
  tag: string,
): string | undefined {
  const seen = new Set<string>();
  let [ns, s, t] = [namespace, stream, tag];
  for (;;) {
    const key = `${ns}/${s}:${t}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const from = streams.get(`${ns}/${s}`)?.spec?.tags?.find((x) => x.name === t)?.from;
    if (!from) return undefined;
    if (from.kind === 'DockerImage') {
      const p = tryParseReference(from.name);
      return 'ref' in p ? p.ref.tag : undefined;
    }
    if (from.kind !== 'ImageStreamTag') return undefined;
    const colon = from.name.lastIndexOf(':');
    if (colon < 0) t = from.name;
    else [s, t] = [from.name.slice(0, colon), from.name.slice(colon + 1)];
    ns = from.namespace || ns;
  }
}

/** The pieces of a pull spec `repository[:tag][@digest]`, as written (split image fields take them one by one). */
export function pinParts(spec: string): { repository: string; tag?: string; digest?: string } {
  const at = spec.indexOf('@');
  const name = at < 0 ? spec : spec.slice(0, at);
  const colon = name.lastIndexOf(':');
  const tagged = colon > name.lastIndexOf('/');
  return {
    repository: tagged ? name.slice(0, colon) : name,
    ...(tagged ? { tag: name.slice(colon + 1) } : {}),
    ...(at >= 0 ? { digest: spec.slice(at + 1) } : {}),
  };
}

/** True when two pull specs pin the same repository at the same digest, whatever tag either shows. */
export function samePin(a: string, b: string): boolean {
  const untagged = (x: string) => {
    const p = pinParts(x);
    return p.digest === undefined ? x : `${p.repository}@${p.digest}`;
  };
  return a === b || (a.includes('@') && untagged(a) === untagged(b));
}
