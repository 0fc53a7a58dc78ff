// Consumers declared by a `# imagestream: [namespace/]stream:tag` comment in any text file (Dockerfile, compose,
// Helm values, env files…). The marker sits at the end of the governed line, or alone on the line just above it.
// `# imagestream: stream:tag:part` governs one split field of an image instead (image-parts.ts).

import { tryParseReference } from '../model/reference.js';
import { checkPartSets, partSlot, splitPart } from './image-parts.js';
import { parseStreamTag } from './stream-tag.js';
import type {
  Consumer,
  ConsumerDiagnostic,
  FindOptions,
  ImagePart,
  StreamTagRef,
  ValueStyle,
} from './types.js';

const MARKER_RE = /(^|[ \t])#[ \t]*imagestream:[ \t]*(\S*)/;
const FROM_RE = /^([ \t]*FROM[ \t]+(?:--\S+[ \t]+)*)(\S+)(?:[ \t]+AS[ \t]+(\S+))?[ \t]*$/i;
const DOCKER_ARG_RE = /^([ \t]*(?:ARG|ENV)[ \t]+[\w.-]+=)(\S+)[ \t]*$/i;
const KEY_VALUE_RE =
  /^([ \t]*(?:-[ \t]+)?(?:[\w.\-/]+|"[^"]*"|'[^']*')(?:[ \t]*:[ \t]+|[ \t]*=[ \t]*))(\S.*?)[ \t]*$/;
const LIST_ITEM_RE = /^([ \t]*-[ \t]+)(\S+)[ \t]*$/;
const SINGLE_RE = /^([ \t]*)(\S+)[ \t]*$/;

interface Governed {
  /** Offset of the value (including quotes) and its end. */
  start: number;
  end: number;
  style: ValueStyle;
  value: string;
  target: string;
}

/** Find every marker in `text` and the value each governs. */
export function markerConsumers(
  file: string,
  text: string,
  opts: FindOptions,
): { consumers: Consumer[]; errors: ConsumerDiagnostic[] } {
  const consumers: Consumer[] = [];
  const errors: ConsumerDiagnostic[] = [];
  const parts: { consumer: Consumer; parent: number }[] = [];
  const lines = splitLines(text);
  const stageOf = stagesOf(lines);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.text.includes('imagestream:')) continue;
    const m = MARKER_RE.exec(line.text);
    if (!m) continue;
    const fail = (message: string, at = i) =>
      errors.push({ code: 'MARKER_INVALID', file, line: at + 1, message: `${file}:${at + 1}: ${message}` });
    const named = splitPart(m[2] ?? '');
    if ('error' in named) {
      fail(named.error);
      continue;
    }
    const ref = parseStreamTag(named.name, opts.defaultNamespace, true);
    if ('error' in ref) {
      fail(`invalid marker "# imagestream: ${m[2]}": ${ref.error || 'expected [namespace/]stream:tag'}`);
      continue;
    }
    const hash = m.index + (m[1] ?? '').length;
    let gi = i;
    let content = line.text.slice(0, hash);
    if (content.trim() === '') {
      gi = i + 1;
      while (gi < lines.length && lines[gi]!.text.trim() === '') gi++;
      const next = lines[gi];
      if (!next || /^[ \t]*(#|\/\/)/.test(next.text)) {
        fail('a marker alone on its line governs the next line, but no value line follows it');
        continue;
      }
      content = next.text;
    } else if (FROM_RE.test(content)) {
      fail(
        'Dockerfile comments must start a line (a trailing "#" is passed to FROM as an argument); ' +
          `put "# imagestream: ${m[2]}" on the line above the FROM`,
      );
      continue;
    }
    if (named.part) {
      const split = splitField(file, lines, gi, content, ref.ref, named.part);
      if ('error' in split) fail(split.error, gi);
      else parts.push(split);
      continue;
    }
    const g = governedValue(content, lines[gi]!.start, stageOf[gi] ?? 0, () => parentOf(lines, gi).key);
    if (!g) {
      fail(
        'cannot tell which value this marker governs; supported: FROM, ARG/ENV x=, key: value, key=value, - value',
        gi,
      );
      continue;
    }
    if (!('ref' in tryParseReference(g.value))) {
      fail(`the governed value ${JSON.stringify(g.value)} is not an image reference`, gi);
      continue;
    }
    consumers.push({
      file,
      line: gi + 1,
      kind: 'marker',
      target: g.target,
      follows: ref.ref,
      current: g.value,
      slot: { start: g.start, end: g.end, style: g.style },
    });
  }
  const split = checkPartSets(file, parts);
  return { consumers: [...consumers, ...split.consumers], errors: [...errors, ...split.errors] };
}

/** Per line, the number of the Dockerfile stage it is in (the count of FROM lines above it). */
function stagesOf(lines: readonly { text: string }[]): number[] {
  let fromCount = 0;
  const stageOf: number[] = [];
  for (const l of lines) {
    stageOf.push(fromCount);
    if (/^[ \t]*FROM[ \t]/i.test(l.text)) fromCount++;
  }
  return stageOf;
}

/** A split field's consumer, and the line that tells its image's fields from another image's (image-parts.ts). */
function splitField(
  file: string,
  lines: readonly { text: string; start: number }[],
  gi: number,
  content: string,
  follows: StreamTagRef,
  part: ImagePart,
): { error: string } | { consumer: Consumer; parent: number } {
  const p = partSlot(content, lines[gi]!.start);
  if ('error' in p) return p;
  const up = parentOf(lines, gi);
  // A list item's first key opens the item: the item's other keys have that line as their parent.
  const parent = /^[ \t]*-[ \t]/.test(lines[gi]!.text) ? gi : up.line;
  const target = `key ${up.key ? `${up.key}.` : ''}${p.key}`;
  const slot = p.slot;
  return {
    consumer: { file, line: gi + 1, kind: 'marker', target, follows, current: p.value, slot, part },
    parent,
  };
}

/**
 * The nearest less-indented line above (`line`, -1 for none) and its key when it is a `key:` line (a compose
 * service, a values section). The line tells split fields of one image from another's.
 */
function parentOf(lines: readonly { text: string }[], at: number): { key?: string; line: number } {
  const indent = (t: string) => /^[ \t]*/.exec(t)![0].length;
  const own = indent(lines[at]!.text);
  for (let i = at - 1; i >= 0 && i >= at - 200; i--) {
    const t = lines[i]!.text;
    if (t.trim() === '' || /^[ \t]*#/.test(t)) continue;
    if (indent(t) >= own) continue;
    const key = /^[ \t]*(?:-[ \t]+)?([\w.\-/]+):[ \t]*(?:&\S+[ \t]*)?(?:#.*)?$/.exec(t)?.[1];
    return key ? { key, line: i } : { line: i };
  }
  return { line: -1 };
}

function governedValue(
  content: string,
  base: number,
  stage: number,
  parent: () => string | undefined,
): Governed | undefined {
  const from = FROM_RE.exec(content);
  if (from) {
    const start = base + from[1]!.length;
    const value = from[2]!;
    return {
      start,
      end: start + value.length,
      style: 'plain',
      value,
      target: `FROM stage ${from[3] ?? stage}`,
    };
  }
  for (const [re, target] of [
    [DOCKER_ARG_RE, ''],
    [KEY_VALUE_RE, ''],
    [LIST_ITEM_RE, 'list item'],
    [SINGLE_RE, 'value'],
  ] as const) {
    const m = re.exec(content);
    if (!m) continue;
    const prefix = m[1]!;
    const raw = m[2]!;
    const start = base + prefix.length;
    const key = prefix
      .replace(/^[ \t]*(?:-[ \t]+)?|[ \t]*[:=][ \t]*$/g, '')
      .replace(/^(?:ARG|ENV)[ \t]+/i, '');
    const up = parent();
    const label = target ? (up ? `${up} ${target}` : target) : `key ${up ? `${up}.` : ''}${key}`;
    const q = raw[0];
    if ((q === '"' || q === "'") && raw.length >= 2 && raw.endsWith(q)) {
      const inner = raw.slice(1, -1);
      if (inner.includes(q) || inner.includes('\\')) return undefined;
      return {
        start,
        end: start + raw.length,
        style: q === '"' ? 'double' : 'single',
        value: inner,
        target: label,
      };
    }
    if (/\s/.test(raw)) return undefined;
    return { start, end: start + raw.length, style: 'plain', value: raw, target: label };
  }
  return undefined;
}

/** Lines with their start offsets (`\n` and `\r\n` endings; the ending is not part of the text). */
function splitLines(text: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const lineEnd = end > start && text[end - 1] === '\r' ? end - 1 : end;
    out.push({ text: text.slice(start, lineEnd), start });
    if (nl < 0) return out;
    start = nl + 1;
  }
}
