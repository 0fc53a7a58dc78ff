// The ImageStream declaration (OpenShift image.openshift.io/v1) as typed objects, plus our extension prefix.

/** `from` of a stream tag: where the tag's image comes from. */
export interface TagFrom {
  kind: 'DockerImage' | 'ImageStreamTag' | 'ImageStreamImage';
  name: string;
  namespace?: string | null;
}

/** One `spec.tags[]` entry. Nullable fields are as OpenShift serialises them (`generation: null`, …). */
export interface TagReference {
  name: string;
  annotations?: Record<string, string> | null;
  from?: TagFrom | null;
  reference?: boolean | null;
  generation?: number | null;
  importPolicy?: {
    scheduled?: boolean | null;
    insecure?: boolean | null;
    importMode?: '' | 'Legacy' | 'PreserveOriginal' | null;
  } | null;
  referencePolicy?: { type?: '' | 'Source' | 'Local' | null } | null;
}

/** Object metadata; unknown fields are kept as loaded. */
export interface StreamMetadata {
  name: string;
  namespace?: string | null;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
  creationTimestamp?: string | null;
  [key: string]: unknown;
}

/** A schema-valid ImageStream. `status` is ignored: the lock plays its role. */
export interface ImageStream {
  apiVersion?: 'image.openshift.io/v1' | 'v1';
  kind: 'ImageStream';
  metadata: StreamMetadata;
  spec?: {
    lookupPolicy?: { local?: boolean | null } | null;
    dockerImageRepository?: string | null;
    tags?: TagReference[] | null;
  } | null;
  status?: unknown;
}

/** Kinds a declaration document may have. */
export const DECLARATION_KINDS = ['ImageStream', 'ImageStreamList', 'List'] as const;

/** Stream annotation OpenShift uses to make every tag of a stream insecure. */
const INSECURE_REPOSITORY_ANNOTATION = 'openshift.io/image.insecureRepository';

/**
 * The one place that says whether a tag's import may bypass certificate verification or use plain HTTP, as
 * OpenShift decides it: the tag's `importPolicy.insecure`, or its stream's insecureRepository annotation. The
 * registry client applies it per call (`CallOptions.insecure`), still under the allowlist and host policy.
 */
export function importIsInsecure(
  stream: { annotations?: Record<string, string> | null },
  tag: { importPolicy?: { insecure?: boolean | null } | null },
): boolean {
  return (
    Boolean(tag.importPolicy?.insecure) || stream.annotations?.[INSECURE_REPOSITORY_ANNOTATION] === 'true'
  );
}

/** The tags of a stream, never null. */
export function streamTags(stream: ImageStream): TagReference[] {
  return stream.spec?.tags ?? [];
}

/** A path inside a declaration object, e.g. ['spec', 'tags', 2, 'from', 'name']. */
export type ObjectPath = readonly (string | number)[];

/** A declared stream as loaded: where it is, who it is, and how to point at its parts. */
export interface LoadedStream {
  /** Repository-relative path of the declaration file (`/`-separated). */
  file: string;
  namespace: string;
  name: string;
  object: ImageStream;
  /** Position of the tag's `name` value (the document start when absent). */
  tagPosition(tagName: string): { line: number; column: number };
  /** Position of the node at `path` inside the object (`key`: the key, not the value). */
  position(
    path: ObjectPath,
    key?: boolean,
  ): { line: number; column: number; endLine?: number; endColumn?: number };
}
