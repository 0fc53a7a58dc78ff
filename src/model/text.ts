// Untrusted text made safe for any one-line sink (lock field, YAML scalar, Markdown cell, log line). Pure.

/** Control characters (C0, DEL, C1), Unicode line/paragraph separators and bidi overrides. */
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One line of at most `max` characters: control characters become spaces, runs of spaces collapse, cut with `…`. */
export function oneLine(s: string, max: number): string {
  const t = s.replace(CONTROL_RE, ' ').replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, Math.max(0, max - 1))}…` : t;
}
