// How a platform is named: `linux/arm/v7` for people, and the key the canonical lock form sorts platforms by.

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
