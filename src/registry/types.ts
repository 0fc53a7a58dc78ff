// Public types of the registry client: what a resolve returns and what it may be asked for.

import type { PlatformImage } from '../model/lock.js';
import type { ImageRef } from '../model/reference.js';
import type { Access } from './access.js';
import type { PlatformSpec } from './platform.js';

/** OpenShift's importMode: Legacy locks one platform, PreserveOriginal the index with all platforms. */
export type ImportMode = 'Legacy' | 'PreserveOriginal';

/** Options every client operation accepts. */
export interface CallOptions {
  /**
   * This one call may use unverified TLS, then plain HTTP, on the hosts it reaches (a tag's
   * `importPolicy.insecure` or its stream's `openshift.io/image.insecureRepository`), still subject to the
   * allowlist and the redirect and realm rules. Other calls to the same registry stay on verified HTTPS.
   */
  insecure?: boolean;
}

/**
 * What the lock says a tag points at now: the manifest, or the index of a multi-arch image. `mediaType` is absent
 * for the index of a Legacy pick (the lock records the chosen platform's type, not the index's); `platforms` are the
 * lock's for an index.
 */
export interface CurrentImage {
  digest: string;
  mediaType?: string;
  platforms?: PlatformImage[];
}

/** Options of `resolveRaw`. */
export interface RawOptions extends CallOptions {
  /**
   * What the lock says the tag points at now. A registry whose ETags are manifest digests (learnt from its first
   * answer in the run) is asked with `If-None-Match`; its 304 answers with this, and the registry skips reading the
   * manifest. Ignored for a reference by digest.
   */
  current?: CurrentImage;
}

/** Options of one resolve. */
export interface ResolveOptions extends RawOptions {
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

/** Options of `listTags`. */
export interface ListTagsOptions extends CallOptions {
  pageSize?: number;
  maxPages?: number;
  /** Refuse (TOO_MANY_TAGS) a list longer than this, or one that needs more than maxPages pages. */
  maxTags?: number;
}

/** The registry client, for injection: every operation takes a parsed reference and returns typed results. */
export interface RegistryClient {
  /** Resolve a reference and apply the importMode; optionally read metadata of what is locked. */
  resolve(ref: ImageRef, opts?: ResolveOptions): Promise<ResolvedImage>;
  /** What a tag or digest points at (HEAD first; an index's platforms read by digest), before any choice. */
  resolveRaw(ref: ImageRef, opts?: RawOptions): Promise<RawResolution>;
  /** Make a header-only digest the hash of real bytes (GET by digest, mirrors first); verified ones pass. */
  confirm(ref: ImageRef, raw: RawResolution, opts?: CallOptions): Promise<RawResolution>;
  /** Apply the importMode to a raw resolution (pure). */
  select(ref: ImageRef, raw: RawResolution, opts?: ResolveOptions): ResolvedImage;
  /** Creation time and OCI labels from the image config (an index uses its Legacy choice). */
  fetchMetadata(ref: ImageRef, digest: string, opts?: CallOptions): Promise<ImageMetadata>;
  /** Every tag of the repository, following `Link: <…>; rel="next"` pages. */
  listTags(ref: ImageRef, opts?: ListTagsOptions): Promise<string[]>;
  /**
   * Whether the manifest or index `digest` exists in `ref`'s repository: one HEAD at the registry itself (never a
   * mirror); a 404 is false, any other failure throws (RATE_LIMITED, REGISTRY_UNAVAILABLE, UNAUTHORIZED…).
   */
  hasManifest(ref: ImageRef, digest: string, opts?: CallOptions): Promise<boolean>;
  /** Seed the index cache from a lock (an index digest's platforms never change). */
  rememberIndex(ref: ImageRef, digest: string, platforms: PlatformImage[]): void;
  stats(): RegistryStats;
  /** Redact the secrets this client has seen from any text (for callers that print errors). */
  redact(text: string): string;
  /**
   * The requester, auth session and transport under this client, for a copier of the same run to share
   * (one connection pool and one token cache per registry). Absent on fakes.
   */
  access?: Access;
  /** Drop kept-alive connections. */
  close(): void;
}
