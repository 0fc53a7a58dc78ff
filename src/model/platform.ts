// How a platform is named: `linux/arm/v7` for people, the key the canonical lock form sorts platforms by, and
// normalisation (arm64 = arm64/v8, aarch64 = arm64, …) so a wanted platform matches what an index lists.

/** The parts of a platform that name it. */
export interface PlatformName {
  os: string;
  architecture: string;
  variant?: string;
}

/** `linux/arm/v7`, or `linux/amd64` without a variant. */
export function formatPlatform(p: PlatformName): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/**
 * The sort key of the canonical lock form (`linux/amd64/`): always three parts. Not {@link formatPlatform}: the
 * two order differently when an architecture contains a character below `/` (`-`, `.`), and lock bytes must not
 * change.
 */
export function platformSortKey(p: PlatformName): string {
  return `${p.os}/${p.architecture}/${p.variant ?? ''}`;
}

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
