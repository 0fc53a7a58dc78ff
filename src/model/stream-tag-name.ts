// What is wrong with a `[namespace/]stream:tag` a user typed: the part, the first bad character and the rule,
// so a message can name it instead of only showing a valid example.

import { isValidTag } from './reference.js';

function describeChar(c: string): string {
  if (c === ' ') return 'a space';
  if (c === '\t') return 'a tab';
  if (/[A-Z]/.test(c)) return `upper-case "${c}"`;
  return JSON.stringify(c);
}

function firstBad(text: string, ok: RegExp): { c: string; at: number } | undefined {
  for (let i = 0; i < text.length; i++) if (!ok.test(text[i]!)) return { c: text[i]!, at: i + 1 };
  return undefined;
}

/** The problem with `input` as `[namespace/]stream:tag`, or undefined when it has none. */
export function streamTagProblem(input: string): string | undefined {
  // A namespace ends at the first "/" before any ":" (a "/" after the colon is a bad tag character).
  const firstColon = input.indexOf(':');
  const slash = input.slice(0, firstColon >= 0 ? firstColon : undefined).indexOf('/');
  const namespace = slash >= 0 ? input.slice(0, slash) : undefined;
  const rest = slash >= 0 ? input.slice(slash + 1) : input;
  const colon = rest.indexOf(':');
  const stream = colon >= 0 ? rest.slice(0, colon) : rest;
  const tag = colon >= 0 ? rest.slice(colon + 1) : undefined;
  const lower = (part: string, text: string, ok: RegExp, rule: string): string | undefined => {
    if (text === '') return `the ${part} is empty`;
    const bad = firstBad(text, ok);
    if (bad) {
      const fix = /[A-Z]/.test(bad.c) ? ` (write "${text.toLowerCase()}")` : '';
      return `the ${part} "${text}" contains ${describeChar(bad.c)} at position ${bad.at}; ${rule}${fix}`;
    }
    if (!/^[a-z0-9]/.test(text)) return `the ${part} "${text}" must start with a lower-case letter or digit`;
    return undefined;
  };
  if (namespace !== undefined) {
    const p = lower(
      'namespace',
      namespace,
      /[-a-z0-9]/,
      'a namespace uses lower-case letters, digits and "-"',
    );
    if (p) return p;
    if (namespace.endsWith('-')) return `the namespace "${namespace}" must not end with "-"`;
  }
  const s = lower(
    'stream name',
    stream,
    /[-a-z0-9._]/,
    'a stream name uses lower-case letters, digits, "-", "." and "_"',
  );
  if (s) return s;
  if (tag === undefined) return `there is no ":tag" after the stream name "${stream}"`;
  if (isValidTag(tag)) return undefined;
  const rule =
    'a tag uses letters, digits, "_", "." and "-", at most 128 characters, not starting with "." or "-"';
  if (tag === '') return `the tag after "${stream}:" is empty`;
  const bad = firstBad(tag, /[\w.-]/);
  if (bad) return `the tag "${tag}" contains ${describeChar(bad.c)} at position ${bad.at}; ${rule}`;
  if (tag.length > 128) return `the tag is ${tag.length} characters long; ${rule}`;
  return `the tag "${tag}" starts with "${tag[0]}"; ${rule}`;
}
