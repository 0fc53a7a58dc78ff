// Manifest bodies: verify bytes against a digest, detect the media type, read an index's platforms. Pure.

import { createHash } from 'node:crypto';
import type { PlatformImage } from '../model/lock.js';
import { DOCKER_LIST, DOCKER_MANIFEST, isIndexMediaType, OCI_INDEX, OCI_MANIFEST } from './mediatypes.js';
import { type IndexEntry, isAttestation, normalizePlatform } from './platform.js';
import { isMediaType, isPlatformPart, isRegistryDigest } from './validate.js';

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

/**
 * Why an index cannot be used, or undefined when every entry is well-formed: each entry needs a registry digest
 * (`sha256:<64 hex>` / `sha512:<128 hex>`), an RFC 6838 media type when it names one, and platform strings of a
 * conservative charset. One bad entry refuses the whole index: its values would otherwise reach locks and files.
 */
export function indexProblem(doc: ManifestDoc): string | undefined {
  if (doc.manifests !== undefined && !Array.isArray(doc.manifests)) return 'manifests is not a list';
  for (const [i, e] of (doc.manifests ?? []).entries()) {
    if (!e || typeof e !== 'object') return `entry ${i} is not an object`;
    if (!isRegistryDigest(e.digest))
      return `entry ${i} has an invalid digest (expected sha256:<64 hex> or sha512:<128 hex>)`;
    if (e.mediaType !== undefined && !isMediaType(e.mediaType))
      return `entry ${i} has an invalid media type (expected an RFC 6838 type/subtype)`;
    const p = e.platform;
    if (p !== undefined) {
      if (!p || typeof p !== 'object') return `entry ${i} has an invalid platform`;
      for (const k of ['os', 'architecture', 'variant'] as const) {
        if (p[k] !== undefined && p[k] !== '' && !isPlatformPart(p[k]))
          return `entry ${i} has an invalid platform ${k} (expected up to 32 of [A-Za-z0-9._-])`;
      }
    }
  }
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
