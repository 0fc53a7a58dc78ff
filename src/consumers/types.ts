// The data the consumer finders produce and the planner consumes: who follows which stream tag, and where.

import type { StreamTagRef } from '../model/stream-tag.js';

/** A stream tag a consumer follows, namespace already defaulted (the model's type). */
export type { StreamTagRef };

import type { LocalLookup } from './lookup.js';

/** How a value is written back: as the file wrote it (plain, "double" or 'single' quoted). */
export type ValueStyle = 'plain' | 'double' | 'single';

/** A source range `[start, end)` in a file's text and the quoting the value there uses. */
export interface ValueSlot {
  start: number;
  end: number;
  style: ValueStyle;
  /** Written before the value: set when the value is inserted where there was none (`\n      image: `). */
  prefix?: string;
  /** A YAML scalar: a plain value that YAML would not read back as the same string is written `"quoted"`. */
  yaml?: boolean;
}

/** The piece of a pinned image a split field holds (`# imagestream: python:3.12:digest`; image-parts.ts). */
export type ImagePart = 'repository' | 'tag' | 'digest';

/** Where a consumer came from; drives messages and whether it is rewritten. */
export type ConsumerKind =
  | 'trigger-annotation'
  | 'deployment-config'
  | 'build-config'
  | 'marker'
  | 'image-lookup';

/** One value in one file that follows a stream tag. */
export interface Consumer {
  /** Repository-relative path, `/`-separated. */
  file: string;
  /** 1-based line of the governed value (of the object, when nothing is rewritten). */
  line: number;
  kind: ConsumerKind;
  /** e.g. `Deployment/web container "web"`, `Dockerfile FROM stage builder`. */
  target: string;
  follows: StreamTagRef;
  /** The value as it is in the file now (unquoted). */
  current: string;
  /** Set when the value is one piece of the image (repository, tag or digest), not a whole pull spec. */
  part?: ImagePart;
  /** Where the value lives; absent for consumers that are listed but never rewritten (BuildConfig not opted in). */
  slot?: ValueSlot;
  /** Fixed values written together with the pull spec (e.g. BuildConfig strategy `kind: DockerImage`). */
  alsoSet?: { slot: ValueSlot; value: string; current: string }[];
  /**
   * Consumers of one group change together or not at all (a DeploymentConfig's automatic triggers: OpenShift
   * rolls out only when every one of them has an image).
   */
  group?: string;
}

/** A problem in a consumer file: the project's Diagnostic, in the line-only form (model/diagnostic.ts). */
export type { ConsumerDiagnostic } from '../model/diagnostic.js';

/** Options shared by the finders. */
export interface FindOptions {
  /** Namespace for stream tags that name none and sit in objects without one (config; default `default`). */
  defaultNamespace: string;
  /** Short names that streams with `lookupPolicy.local` resolve in their namespace (lookup.ts); none when absent. */
  lookup?: LocalLookup;
}

/** `namespace/stream:tag`, the form used in messages and ConsumerChange.follows. */
export { formatStreamTag } from '../model/stream-tag.js';
