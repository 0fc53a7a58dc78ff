// The structured result of a reconcile: what changed per stream and tag, and which consumer files follow.
// PR bodies, commit messages, job summaries and --json output are all rendered from these.

import type { TagHistoryItem } from '../model/lock.js';

/** Labels read from the image config, for explaining a bump. */
export interface ImageMetadata {
  created?: string;
  source?: string;
  revision?: string;
  version?: string;
}

/** What happened to one stream tag in this run. */
export interface TagChange {
  namespace: string;
  stream: string;
  tag: string;
  /** new: first import; moved: new digest; failed: import failed (last good kept); rollback: pointed back. */
  kind: 'new' | 'moved' | 'failed' | 'rollback';
  /** The upstream pull spec the tag imports from (or `stream:tag` for followers). */
  source: string;
  from?: TagHistoryItem;
  to?: TagHistoryItem;
  fromMetadata?: ImageMetadata;
  toMetadata?: ImageMetadata;
  /** For `failed`: reason and message of the ImportSuccess=False condition. */
  error?: { reason: string; message: string };
  /** Set when this tag follows another (`stream:tag` of the target). */
  follows?: string;
}

/** All changes of one stream, and the lock file that records them. */
export interface StreamChange {
  namespace: string;
  stream: string;
  /** Repository-relative path of the lock file written. */
  lockFile: string;
  tags: TagChange[];
}

/** A consumer file value rewritten because a tag it follows moved. */
export interface ConsumerChange {
  /** Repository-relative path. */
  file: string;
  line: number;
  /** e.g. `Deployment/web container web`, `Dockerfile stage builder`. */
  target: string;
  /** `namespace/stream:tag` the consumer follows. */
  follows: string;
  from: string;
  to: string;
}
