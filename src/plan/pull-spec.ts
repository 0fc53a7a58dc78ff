// What a consumer of a stream tag is pinned to: the tag's current image, under its reference policy.

import type { StreamLock } from '../model/lock.js';
import type { StreamLike } from '../policy/tag-spec.js';

/**
 * The pinned pull spec for `stream:tag`: `reference` tags pass their pull spec through as-is; `Local` gives the
 * local registry's repository at the same digest; otherwise the upstream `repo@digest`. Undefined when the tag
 * has no image yet.
 */
export function pullSpecFor(
  stream: StreamLike,
  namespace: string,
  lock: StreamLock | undefined,
  tag: string,
  localRegistry?: string,
): string | undefined {
  const spec = stream.spec?.tags?.find((t) => t.name === tag);
  if (spec?.reference && spec.from?.kind === 'DockerImage') return spec.from.name;
  const current = lock?.status.tags.find((t) => t.tag === tag)?.items[0];
  if (!current) return undefined;
  if (spec?.referencePolicy?.type === 'Local' && localRegistry) {
    return `${localRegistry}/${namespace}/${stream.metadata.name}@${current.image}`;
  }
  return current.dockerImageReference;
}
