// Platforms of a multi-arch image: normalisation (arm64 = arm64/v8, aarch64 = arm64, …), attestation filtering,
// and the Legacy choice of one platform. Pure.

import type { PlatformImage } from '../model/lock.js';

/** A wanted platform (`--platform linux/arm64/v8`). */
export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
  i386: '386',
  i686: '386',
};

/** Normalise os/architecture/variant as containerd does: `arm64/v8` → `arm64`, `arm` → `arm/v7`. */
export function normalizePlatform(p: { os?: string; architecture?: string; variant?: string }): PlatformSpec {
  const os = (p.os ?? '').toLowerCase();
  const rawArch = (p.architecture ?? '').toLowerCase();
  let architecture = ARCH_ALIASES[rawArch] ?? rawArch;
  let variant = p.variant?.toLowerCase() || undefined;
  if (rawArch === 'armhf') variant = 'v7';
  if (rawArch === 'armel') variant = 'v6';
  if (architecture === 'arm64' && (variant === 'v8' || variant === '8')) variant = undefined;
  if (architecture === 'arm' && variant === undefined) variant = 'v7';
  if (architecture === 'arm' && variant && /^\d+$/.test(variant)) variant = `v${variant}`;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  architecture ||= 'unknown';
  return variant ? { os: os || 'unknown', architecture, variant } : { os: os || 'unknown', architecture };
}

/** Parse `os/arch[/variant]`; undefined when malformed. */
export function parsePlatform(s: string): PlatformSpec | undefined {
  const parts = s.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9_.-]+$/.test(p)))
    return undefined;
  return normalizePlatform({
    os: parts[0]!,
    architecture: parts[1]!,
    ...(parts[2] ? { variant: parts[2] } : {}),
  });
}

/** `linux/arm/v7` (written once, in the model). */
export { formatPlatform } from '../model/platform.js';

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
