// Manifest bodies: verify bytes against a digest, detect the media type, read an index's platforms. Pure.

import { createHash } from 'node:crypto';
import type { PlatformImage } from '../model/lock.js';
import { DOCKER_LIST, DOCKER_MANIFEST, isIndexMediaType, OCI_INDEX, OCI_MANIFEST } from './mediatypes.js';
import { type IndexEntry, isAttestation, normalizePlatform } from './platform.js';

/** `sha256:<hex>` of the exact bytes. */
export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A parsed manifest JSON document (only the fields we use). */
export interface ManifestDoc {
  mediaType?: string;
  schemaVersion?: number;
  manifests?: IndexEntry[];
  config?: { mediaType?: string; digest?: string };
  layers?: unknown[];
}

/** Parse JSON, or undefined when the bytes are not a JSON object. */
export function parseManifest(bytes: Buffer): ManifestDoc | undefined {
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as unknown;
    return doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as ManifestDoc) : undefined;
  } catch {
    return undefined;
  }
}

/** The media type: the header when it is a manifest type, else the body's `mediaType`, else sniffed. */
export function manifestMediaType(header: string | undefined, doc: ManifestDoc): string | undefined {
  const known = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST];
  if (header && known.includes(header)) return header;
  if (doc.mediaType && known.includes(doc.mediaType)) return doc.mediaType;
  if (Array.isArray(doc.manifests)) return OCI_INDEX;
  if (doc.config && Array.isArray(doc.layers)) return OCI_MANIFEST;
  return undefined;
}

/** Every runnable platform of an index (attestations dropped), normalised. */
export function indexPlatforms(doc: ManifestDoc): PlatformImage[] {
  const out: PlatformImage[] = [];
  for (const e of doc.manifests ?? []) {
    if (!e.digest || isAttestation(e)) continue;
    if (e.mediaType && isIndexMediaType(e.mediaType)) continue;
    const n = normalizePlatform(e.platform ?? {});
    out.push({
      os: n.os,
      architecture: n.architecture,
      ...(n.variant ? { variant: n.variant } : {}),
      digest: e.digest,
      mediaType: e.mediaType ?? (doc.mediaType === DOCKER_LIST ? DOCKER_MANIFEST : OCI_MANIFEST),
    });
  }
  return out;
}
