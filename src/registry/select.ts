// The importMode applied to a raw resolution: PreserveOriginal locks the index, Legacy one platform. Pure.

import { type ImageRef, withDefaultTag } from '../model/reference.js';
import { registryError } from './errors.js';
import { contextOf } from './manifests.js';
import { choosePlatform, formatPlatform } from './platform.js';
import type { RawResolution, ResolvedImage, ResolveOptions } from './types.js';

/** What the tag locks under `opts.importMode`; PLATFORM_NOT_FOUND when an explicit platform is missing. */
export function selectImage(input: ImageRef, raw: RawResolution, opts: ResolveOptions = {}): ResolvedImage {
  const ref = withDefaultTag(input);
  if (!raw.platforms) return { ref, digest: raw.digest, mediaType: raw.mediaType };
  const base = { ref, index: raw.digest, indexMediaType: raw.mediaType, platforms: raw.platforms };
  if ((opts.importMode ?? 'Legacy') === 'PreserveOriginal') {
    return { ...base, digest: raw.digest, mediaType: raw.mediaType };
  }
  const chosen = choosePlatform(raw.platforms, {
    ...(opts.platform ? { platform: opts.platform } : {}),
    ...(opts.preferArch ? { preferArch: opts.preferArch } : {}),
    ...(opts.preferOs ? { preferOs: opts.preferOs } : {}),
  });
  if (!chosen) {
    throw registryError(
      'PLATFORM_NOT_FOUND',
      contextOf(ref),
      `no platform ${formatPlatform(opts.platform!)} in this image; it has ${raw.platforms.map(formatPlatform).join(', ')}`,
      { data: { platforms: raw.platforms.map(formatPlatform) } },
    );
  }
  return { ...base, digest: chosen.digest, mediaType: chosen.mediaType, chosen };
}
