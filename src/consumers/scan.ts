// The cheap byte scan: decide which files are worth parsing at all before any YAML parser runs.

/** Strings whose presence makes a file a consumer candidate. */
export const KUBE_NEEDLES = ['image.openshift.io/triggers', 'imageChange'] as const;
/** The marker needle (`# imagestream: stream:tag`). */
export const MARKER_NEEDLE = 'imagestream:';

/** What a file may hold, decided by substring search only. */
export interface ScanResult {
  /** Contains a trigger annotation, DeploymentConfig or BuildConfig trigger: parse as YAML/JSON. */
  kube: boolean;
  /** Contains the marker needle: look for marker comments. */
  marker: boolean;
}

/** Classify text without parsing it. */
export function scanText(text: string): ScanResult {
  return {
    kube: KUBE_NEEDLES.some((n) => text.includes(n)),
    marker: text.includes(MARKER_NEEDLE),
  };
}

const BYTE_NEEDLES = [...KUBE_NEEDLES, MARKER_NEEDLE].map((n) => Buffer.from(n, 'utf8'));

/** The same decision on raw bytes, so a walker can drop non-candidates before decoding them. */
export function isCandidateBytes(bytes: Uint8Array, extra: readonly Buffer[] = []): boolean {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return BYTE_NEEDLES.some((n) => buf.includes(n)) || extra.some((n) => buf.includes(n));
}

/** Kube object files are YAML or JSON by name; markers may be in any text file. */
export function isKubeFileName(path: string): boolean {
  return /\.(?:ya?ml|json)$/i.test(path);
}

/** Documentation files describe markers rather than carry them; they are never searched for markers. */
export function isDocumentationFileName(path: string): boolean {
  return /\.(?:md|markdown|mdx|rst|adoc|asciidoc|html?)$/i.test(path);
}
