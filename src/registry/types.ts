// Public types of the registry client: what a resolve returns and what it may be asked for.

import type { PlatformImage } from '../model/lock.js';
import type { ImageRef } from '../model/reference.js';
import type { PlatformSpec } from './platform.js';

/** OpenShift's importMode: Legacy locks one platform, PreserveOriginal the index with all platforms. */
export type ImportMode = 'Legacy' | 'PreserveOriginal';

/** Options of one resolve. */
export interface ResolveOptions {
  /** Default `Legacy`, as in OpenShift. */
  importMode?: ImportMode;
  /** Legacy only: an exact platform that must exist in a multi-arch image. */
  platform?: PlatformSpec;
  /** Legacy only: preferences (stream annotations); fall back to linux/amd64, then the first platform. */
  preferArch?: string;
  preferOs?: string;
  /** Also fetch the config blob for creation time and OCI labels (extra requests; only when asked). */
  withMetadata?: boolean;
  /**
   * Digests the lock already holds for this tag. A resolved digest outside this list is confirmed by GET and
   * hashing before it is returned (a moved tag is never locked on a header's word). Absent: nothing is confirmed.
   */
  known?: readonly string[];
}

/** What a tag or digest points at before any importMode choice: the manifest or index, and its platforms. */
export interface RawResolution {
  digest: string;
  mediaType: string;
  /** Present when `digest` is an index / manifest list. */
  platforms?: PlatformImage[];
  /** True when the digest is the hash of bytes received (or the declaration's own); false: a header's word. */
  verified?: boolean;
}

/** Image config facts for PR bodies. */
export interface ImageMetadata {
  created?: string;
  /** org.opencontainers.image.source / .revision / .version, when labelled. */
  source?: string;
  revision?: string;
  version?: string;
  labels: Record<string, string>;
}

/** The result of a resolve. */
export interface ResolvedImage {
  ref: ImageRef;
  /** What the tag locks: the index (PreserveOriginal, or single-arch) or the chosen platform's manifest (Legacy). */
  digest: string;
  mediaType: string;
  /** The index digest when the source is multi-arch. */
  index?: string;
  indexMediaType?: string;
  /** Every platform of a multi-arch source (attestations excluded). */
  platforms?: PlatformImage[];
  /** Legacy on a multi-arch source: the platform chosen. */
  chosen?: PlatformImage;
  metadata?: ImageMetadata;
}

/** Counters for reports and the bench. */
export interface RegistryStats {
  /** Requests per host (registry and token servers), retries, last rate-limit headers seen. */
  hosts: Record<
    string,
    {
      requests: number;
      byMethod: Record<string, number>;
      retries: number;
      rateLimit?: { limit?: number; remaining?: number; windowSeconds?: number };
    }
  >;
  requests: number;
  tokensFetched: number;
}
