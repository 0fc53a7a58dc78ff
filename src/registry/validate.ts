// Registry answers are untrusted input: every value is checked for its kind before anything uses it. Pure.
// Digests must be `algorithm:hex` of the right length, media types RFC 6838 tokens of bounded length, platform
// strings a conservative charset; free text (created, labels, error messages) is bounded and stripped of control
// characters so that no sink (lock, YAML, Dockerfile, Markdown, log line) ever receives a line break from a registry.

import { oneLine } from '../model/text.js';

/** sha256 = 64 and sha512 = 128 lower-case hex digits; the only algorithms a registry may answer with. */
const DIGEST_RE = /^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;

/** RFC 6838 `type/subtype` restricted-name grammar (no parameters), at most 127 characters per part. */
const MEDIA_TYPE_RE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

/** os / architecture / variant: what the OCI image spec and containerd use, bounded. */
const PLATFORM_PART_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

/** True for a digest a registry may report: `sha256:<64 lower hex>` or `sha512:<128 lower hex>`. */
export function isRegistryDigest(d: unknown): d is string {
  return typeof d === 'string' && DIGEST_RE.test(d);
}

/** True for an RFC 6838 media type (without parameters) of bounded length. */
export function isMediaType(mt: unknown): mt is string {
  return typeof mt === 'string' && MEDIA_TYPE_RE.test(mt);
}

/** True for an os, architecture or variant value: `[A-Za-z0-9][A-Za-z0-9._-]{0,31}`. */
export function isPlatformPart(s: unknown): s is string {
  return typeof s === 'string' && PLATFORM_PART_RE.test(s);
}

/** Free text from a registry made safe for any one-line sink (bounded, no control characters). */
export function sanitizeText(s: string, max = 200): string {
  return oneLine(s, max);
}

/** An RFC 3339 time as registries write `created` (bounded; anything else is dropped). */
export function isTimestamp(s: unknown): s is string {
  return (
    typeof s === 'string' &&
    s.length <= 40 &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/.test(s)
  );
}

/** Label keys and values kept from an image config: bounded in number and length, control characters removed. */
export function sanitizeLabels(labels: unknown, maxLabels = 64, maxValue = 512): Record<string, string> {
  const out: Record<string, string> = {};
  if (!labels || typeof labels !== 'object' || Array.isArray(labels)) return out;
  let n = 0;
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    if (n >= maxLabels) break;
    if (typeof v !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/.test(k)) continue;
    out[k] = sanitizeText(v, maxValue);
    n++;
  }
  return out;
}

/** A source URL label: only http(s) URLs of a conservative charset survive (they may end up as text elsewhere). */
export function sanitizeUrl(s: string | undefined): string | undefined {
  if (!s || s.length > 512) return undefined;
  return /^https?:\/\/[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+$/.test(s) ? s : undefined;
}

/** A source revision label (a commit hash or version-like token). */
export function sanitizeRevision(s: string | undefined): string | undefined {
  return s && /^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/.test(s) ? s : undefined;
}
