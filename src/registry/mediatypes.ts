// Manifest media types, and the one Accept header that asks for all of them (a partial Accept gives wrong answers).

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

/** The four manifest types, each mapped to itself (bareMediaType answers with these very strings). */
const KNOWN = new Map([OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST].map((t) => [t, t]));

/** Sent on every manifest request: all four types, or registries answer 404 or a child's digest. */
export const MANIFEST_ACCEPT = [...KNOWN.keys()].join(', ');

/** True for a multi-platform media type (OCI index or Docker manifest list). */
export function isIndexMediaType(mt: string | undefined): boolean {
  return mt === OCI_INDEX || mt === DOCKER_LIST;
}

/** True for a media type this client understands as a manifest. */
export function isKnownManifestType(mt: string | undefined): boolean {
  return mt !== undefined && KNOWN.has(mt);
}

/** The media type without parameters (`; charset=…`), lower case. */
export function bareMediaType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const bare = contentType.split(';')[0]!.trim().toLowerCase();
  // A known type is returned as the one constant string: a lock of 10,000 tags then holds one copy, not 10,000.
  return KNOWN.get(bare) ?? (bare || undefined);
}
