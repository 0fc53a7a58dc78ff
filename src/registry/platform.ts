// Platforms of a multi-arch image: normalisation (arm64 = arm64/v8, aarch64 = arm64, …), attestation filtering,
// and the Legacy choice of one platform. Pure.

import type { PlatformImage } from '../model/lock.js';

/** Normalisation and parsing live in the model (policy checks required platforms with them). */
import { normalizePlatform, type PlatformSpec } from '../model/platform.js';

/** `linux/arm/v7`, normalisation and parsing (written once, in the model). */
export { formatPlatform, normalizePlatform, type PlatformSpec, parsePlatform } from '../model/platform.js';

function samePlatform(a: PlatformSpec, b: PlatformSpec): boolean {
  return a.os === b.os && a.architecture === b.architecture && (a.variant ?? '') === (b.variant ?? '');
}

/** An index entry as found in `manifests[]`. */
export interface IndexEntry {
  mediaType?: string;
  digest?: string;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

/** True for attestation / signature entries that are not runnable platforms. */
export function isAttestation(e: IndexEntry): boolean {
  if (e.annotations?.['vnd.docker.reference.type'] !== undefined) return true;
  const os = e.platform?.os?.toLowerCase();
  const arch = e.platform?.architecture?.toLowerCase();
  return os === 'unknown' && arch === 'unknown';
}

/** What Legacy import mode should prefer (explicit platform, then annotations, then linux/amd64, then first). */
export interface PlatformPreference {
  platform?: PlatformSpec;
  preferOs?: string;
  preferArch?: string;
}

/**
 * Choose one platform. An explicit `platform` must exist (undefined otherwise); `preferArch`/`preferOs` are
 * preferences that fall back to linux/amd64, then to the first platform.
 */
export function choosePlatform(
  platforms: PlatformImage[],
  pref: PlatformPreference,
): PlatformImage | undefined {
  const norm = platforms.map((p) => ({ p, n: normalizePlatform(p) }));
  if (pref.platform) {
    const want = normalizePlatform(pref.platform);
    return norm.find(({ n }) => samePlatform(n, want))?.p;
  }
  if (pref.preferArch || pref.preferOs) {
    const [arch, variant] = (pref.preferArch ?? '').split('/');
    const want = arch
      ? normalizePlatform({ architecture: arch, ...(variant ? { variant } : {}) })
      : undefined;
    const os = pref.preferOs?.toLowerCase() ?? 'linux';
    const hit = norm.find(
      ({ n }) =>
        n.os === os &&
        (!want ||
          (n.architecture === want.architecture && (variant === undefined || n.variant === want.variant))),
    );
    if (hit) return hit.p;
  }
  return (
    norm.find(({ n }) => n.os === 'linux' && n.architecture === 'amd64' && n.variant === undefined)?.p ??
    platforms[0]
  );
}
