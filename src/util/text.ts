// Small text helpers shared by renderers and commands, so each is written once.

/** `1 file` / `2 files`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** How {@link shortDigest} shows a digest. */
export interface ShortDigestOptions {
  /** Text for a missing digest (default `(none)`). */
  absent?: string;
  /** Keep the `sha256:` algorithm prefix (default true). */
  algorithm?: boolean;
}

/** A digest cut to its algorithm and first 12 hex digits (`sha256:0123456789ab`), for people to read. */
export function shortDigest(digest: string | null | undefined, o: ShortDigestOptions = {}): string {
  if (!digest) return o.absent ?? '(none)';
  const i = digest.indexOf(':');
  const hex = digest.slice(i + 1, i + 13);
  return i < 0 || o.algorithm === false ? hex : `${digest.slice(0, i)}:${hex}`;
}

/**
 * `s` as a string of its own. V8 keeps a slice of 13 or more characters (a regex match, a YAML scalar cut from its
 * file) as a view of the whole text it was cut from, so a short value kept for the run keeps that text alive:
 * values that outlive their source (what a change records) are detached. Lossless for any string.
 */
export function detached(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
