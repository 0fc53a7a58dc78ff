// A stream tag (`[namespace/]stream:tag`): the one type, the one parser and the one formatter every command,
// finder and rule uses. A bad input gets an error naming the part, the first bad character and the rule, so a
// message can say what to fix instead of only showing a valid example.

import { isValidTag } from './reference.js';

/** A stream tag with its namespace known (defaulted by the caller when the input named none). */
export interface StreamTagRef {
  namespace: string;
  stream: string;
  tag: string;
}

/** A stream tag as typed: the namespace only when the input named one. */
export type StreamTagName = Omit<StreamTagRef, 'namespace'> & { namespace?: string };

/** The part of `[namespace/]stream:tag` an error is about. */
export type StreamTagPart = 'namespace' | 'stream' | 'tag';

/** Why an input is not a stream tag: the part, its text, and a sentence naming the problem and the rule. */
export interface StreamTagError {
  part: StreamTagPart;
  /** `refused`: a namespace where none is allowed; `missing`: no `:tag`; `invalid`: the part breaks its rule. */
  problem: 'refused' | 'missing' | 'invalid';
  /** The part as written (empty when missing). */
  text: string;
  message: string;
}

/** How {@link parseStreamTag} reads its input. */
export interface ParseStreamTagOptions {
  /** Accept `namespace/stream:tag` (default true). */
  namespace?: boolean;
  /**
   * `required` (default); `optional`: `stream` alone is fine and the tag is `''`; `latest`: a missing or empty tag
   * is `latest`, as `app:` is in oc; `any`: a tag of any spelling without `:`, `/` or `@` (to delete bad ones).
   */
  tag?: 'required' | 'optional' | 'latest' | 'any';
}

/** The longest stream name or namespace accepted (a DNS subdomain). */
const MAX_NAME = 253;
const TAG_RULE =
  'a tag uses letters, digits, "_", "." and "-", at most 128 characters, not starting with "." or "-"';

/** Split `[namespace/]stream:tag`: a namespace ends at the first `/` before any `:` (one after it is in the tag). */
function split(input: string): { namespace?: string; stream: string; tag?: string } {
  const firstColon = input.indexOf(':');
  const slash = input.slice(0, firstColon >= 0 ? firstColon : undefined).indexOf('/');
  const rest = slash >= 0 ? input.slice(slash + 1) : input;
  const colon = rest.indexOf(':');
  return {
    ...(slash >= 0 ? { namespace: input.slice(0, slash) } : {}),
    stream: colon >= 0 ? rest.slice(0, colon) : rest,
    ...(colon >= 0 ? { tag: rest.slice(colon + 1) } : {}),
  };
}

/** Parse `[namespace/]stream:tag` into its parts, or say which part is wrong and why. */
export function parseStreamTag(
  input: string,
  o: ParseStreamTagOptions = {},
): { ref: StreamTagName } | { error: StreamTagError } {
  const { namespace, stream, tag: written } = split(input);
  const mode = o.tag ?? 'required';
  const fail = (part: StreamTagPart, problem: StreamTagError['problem'], text: string, message: string) => ({
    error: { part, problem, text, message },
  });
  if (namespace !== undefined) {
    if (o.namespace === false) {
      return fail('namespace', 'refused', namespace, `"${input}" names a namespace ("${namespace}/") here`);
    }
    const p = nameProblem(
      'namespace',
      namespace,
      /[-a-z0-9]/,
      'a namespace uses lower-case letters, digits and "-"',
    );
    if (p) return fail('namespace', 'invalid', namespace, p);
    if (namespace.endsWith('-')) {
      return fail('namespace', 'invalid', namespace, `the namespace "${namespace}" must not end with "-"`);
    }
  }
  const s = nameProblem(
    'stream name',
    stream,
    /[-a-z0-9._]/,
    'a stream name uses lower-case letters, digits, "-", "." and "_"',
  );
  if (s) return fail('stream', 'invalid', stream, s);
  let tag = written;
  if (tag === undefined || (tag === '' && mode === 'latest')) {
    if (mode === 'latest') tag = 'latest';
    else if (mode === 'optional') tag = '';
    else return fail('tag', 'missing', '', `there is no ":tag" after the stream name "${stream}"`);
  } else {
    const t = mode === 'any' ? anyTagProblem(stream, tag) : tagProblem(stream, tag);
    if (t) return fail('tag', 'invalid', tag, t);
  }
  return { ref: { ...(namespace !== undefined ? { namespace } : {}), stream, tag } };
}

/** `namespace/stream:tag`, or `stream:tag` when the namespace is not known: what {@link parseStreamTag} reads. */
export function formatStreamTag(ref: StreamTagName): string {
  return `${ref.namespace !== undefined ? `${ref.namespace}/` : ''}${ref.stream}:${ref.tag}`;
}

/** The problem with `input` as `[namespace/]stream:tag`, or undefined when it has none. */
export function streamTagProblem(input: string): string | undefined {
  const r = parseStreamTag(input);
  return 'error' in r ? r.error.message : undefined;
}

function nameProblem(part: string, text: string, ok: RegExp, rule: string): string | undefined {
  if (text === '') return `the ${part} is empty`;
  const bad = firstBad(text, ok);
  if (bad) {
    const fix = /[A-Z]/.test(bad.c) ? ` (write "${text.toLowerCase()}")` : '';
    return `the ${part} "${text}" contains ${describeChar(bad.c)} at position ${bad.at}; ${rule}${fix}`;
  }
  if (!/^[a-z0-9]/.test(text)) return `the ${part} "${text}" must start with a lower-case letter or digit`;
  if (text.length > MAX_NAME)
    return `the ${part} is ${text.length} characters long; at most ${MAX_NAME} are allowed`;
  return undefined;
}

function tagProblem(stream: string, tag: string): string | undefined {
  if (isValidTag(tag)) return undefined;
  if (tag === '') return `the tag after "${stream}:" is empty`;
  const bad = firstBad(tag, /[\w.-]/);
  if (bad) return `the tag "${tag}" contains ${describeChar(bad.c)} at position ${bad.at}; ${TAG_RULE}`;
  if (tag.length > 128) return `the tag is ${tag.length} characters long; ${TAG_RULE}`;
  return `the tag "${tag}" starts with "${tag[0]}"; ${TAG_RULE}`;
}

function anyTagProblem(stream: string, tag: string): string | undefined {
  if (tag === '') return `the tag after "${stream}:" is empty`;
  const bad = firstBad(tag, /[^:/@]/);
  return bad ? `the tag "${tag}" contains ${describeChar(bad.c)} at position ${bad.at}` : undefined;
}

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
