// The lock: a stream's status (what each tag resolved to, with history), and its canonical bytes.

/** One platform of a multi-arch image (os/architecture/variant normalised). */
export interface PlatformImage {
  os: string;
  architecture: string;
  variant?: string;
  digest: string;
  mediaType: string;
}

/** One image a tag has pointed at; items are kept newest first. */
export interface TagHistoryItem {
  /** When the reconciler first observed this digest for this tag (RFC 3339, UTC). */
  created: string;
  /** `registry/repository@sha256:…` — what consumers are pinned to (before referencePolicy). */
  dockerImageReference: string;
  /** The digest locked: the index digest (PreserveOriginal) or the chosen platform's manifest (Legacy). */
  image: string;
  /** The spec generation this import was made for. */
  generation: number;
  /** Media type of `image`. */
  mediaType?: string;
  /** For a multi-arch source: the index digest (Legacy keeps it for reference) and every platform. */
  index?: string;
  platforms?: PlatformImage[];
}

/** A condition as OpenShift records it on status.tags[].conditions. */
export interface TagCondition {
  type: 'ImportSuccess';
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime: string;
  generation: number;
}

/** Lock state of one tag. */
export interface LockTag {
  tag: string;
  /** The tag's spec as last imported (see specKey), e.g. `DockerImage quay.io/org/app:1`; a change makes it due. */
  spec?: string;
  /** Generation declared in the spec when last imported (null when the spec had none). */
  observedGeneration?: number | null;
  items: TagHistoryItem[];
  conditions?: TagCondition[];
  /** Set by a tag selection policy (`imagestreams.dev/tag-policy`): the upstream tag it chose. */
  selection?: TagSelectionState;
  /** A newer digest seen upstream but held back (soak, `imagestreams.dev/minimum-age`), and until when. */
  pending?: PendingImage;
}

/**
 * A digest held back from the lock. `Soaking`: `firstSeen` is the soak ledger (never the image's own `created`)
 * and `eligibleAt` when it may be proposed. `MissingPlatform`: the digest lacks platforms the tag requires
 * (`imagestreams.dev/required-platforms`), listed in `missingPlatforms`; it is never proposed.
 */
export interface PendingImage {
  image: string;
  dockerImageReference: string;
  /** When this reconciler first saw this digest for the tag (RFC 3339). */
  firstSeen: string;
  reason: 'Soaking' | 'MissingPlatform';
  message: string;
  /** Soaking: when the digest becomes eligible to be proposed. */
  eligibleAt?: string;
  /** MissingPlatform: the required platforms the digest lacks (`linux/arm64`). */
  missingPlatforms?: string[];
}

/** What a tag selection policy chose, recorded so a change of choice is reviewable. */
export interface TagSelectionState {
  /** The policy in one line, e.g. `semver >=1.4 <2`. */
  policy: string;
  /** The upstream tag chosen (the tag of `from.name`). */
  tag: string;
  /** first-seen policies: each qualifying tag and when this reconciler first saw it (RFC 3339). */
  firstSeen?: Record<string, string>;
}

/** The lock file of one stream. */
export interface StreamLock {
  apiVersion: typeof LOCK_API_VERSION;
  kind: typeof LOCK_KIND;
  metadata: { name: string; namespace: string };
  status: {
    /** The local (integrated) registry repository, when one is configured. */
    dockerImageRepository?: string;
    tags: LockTag[];
  };
}

export const LOCK_API_VERSION = 'imagestreams.dev/v1alpha1';
export const LOCK_KIND = 'ImageStreamLock';

/**
 * A lookup of a lock's tags by name, built once (the first entry of a name wins, as `tags.find` would): code that
 * asks for every declared tag's entry scanned the whole list for each, quadratic in a stream's tags.
 */
export function lockTagIndex(lock: StreamLock | undefined): (tag: string) => LockTag | undefined {
  const byName = new Map<string, LockTag>();
  for (const t of lock?.status.tags ?? []) if (!byName.has(t.tag)) byName.set(t.tag, t);
  return (tag) => byName.get(tag);
}
