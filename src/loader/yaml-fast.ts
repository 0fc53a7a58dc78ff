// YAML fast path: the plain block subset most declarations use, parsed without building a YAML AST.
// Anything outside the subset (anchors, tags, block or multi-line scalars, nested flow collections, escapes,
// several documents, duplicate keys, odd keys) returns undefined and the full `yaml` parser takes over,
// so this only ever answers when it is sure to agree with it (test/loader/yaml-fast.test.ts checks that).

import { plainValue, UNSURE } from '../util/yaml-plain.js';

interface Line {
  indent: number;
  text: string;
}

class Bail extends Error {}

const bail = (): never => {
  throw new Bail();
};

const KEY_RE = /^[A-Za-z_][\w./-]*$/;
// Characters that start something other than a plain scalar (indicators), and flow-map parts that bail.
const INDICATOR_RE = /^[[{&*!|>%@`#,?:-]/;
const DASH_PLAIN_RE = /^-[^\s]/;
const FLOW_NESTED_RE = /[{}[\]]/;
const FLOW_QUOTED_COMMA_RE = /["'][^"']*,/;

function plain(s: string): unknown {
  const v = plainValue(s);
  return v === UNSURE ? bail() : v;
}

function scalar(raw: string): unknown {
  const c = raw[0];
  if (c === '"') {
    if (raw.length < 2 || !raw.endsWith('"') || raw.includes('\\')) bail();
    const inner = raw.slice(1, -1);
    return inner.includes('"') ? bail() : inner;
  }
  if (c === "'") {
    if (raw.length < 2 || !raw.endsWith("'")) bail();
    const inner = raw.slice(1, -1);
    if (inner.replace(/''/g, '').includes("'")) bail();
    return inner.replace(/''/g, "'");
  }
  if (raw === '{}') return {};
  if (raw === '[]') return [];
  if (c === '{') return flowMap(raw);
  if (INDICATOR_RE.test(raw) && !DASH_PLAIN_RE.test(raw)) bail();
  let s = raw;
  const hash = s.indexOf(' #');
  if (hash >= 0) s = s.slice(0, hash).trimEnd();
  if (s.includes(': ') || s.endsWith(':') || s.includes('\t')) bail();
  return plain(s);
}

/**
 * A one-line flow mapping of scalars, `{kind: DockerImage, name: "quay.io/a/b:1"}` (optionally followed by a
 * comment): the other common shape of declarations. Nested collections, commas or braces inside quotes bail.
 */
function flowMap(raw: string): Record<string, unknown> {
  const close = raw.lastIndexOf('}');
  const after = raw.slice(close + 1).trim();
  if (close < 0 || (after !== '' && !after.startsWith('#'))) bail();
  const inner = raw.slice(1, close);
  if (FLOW_NESTED_RE.test(inner) || FLOW_QUOTED_COMMA_RE.test(inner)) bail();
  const out: Record<string, unknown> = {};
  for (const part of inner.split(',')) {
    const entry = part.trim();
    const sep = entry.indexOf(':');
    if (sep <= 0 || (entry[sep + 1] !== ' ' && sep !== entry.length - 1)) bail();
    const k = key(entry.slice(0, sep).trim());
    const v = entry.slice(sep + 1).trim();
    if (v === '' || v.includes(' #') || Object.hasOwn(out, k)) bail();
    out[k] = scalar(v);
  }
  return out;
}

// Keys come from a small vocabulary (name, from, kind, importPolicy…): each is checked once per process.
const KEYS_CHECKED = new Set<string>();

function key(raw: string): string {
  if (KEYS_CHECKED.has(raw)) return raw;
  if (!KEY_RE.test(raw)) bail();
  if (typeof plain(raw) !== 'string') bail();
  if (KEYS_CHECKED.size < 1024) KEYS_CHECKED.add(raw);
  return raw;
}

class SubsetParser {
  i = 0;
  constructor(readonly lines: Line[]) {}

  block(indent: number): unknown {
    const line = this.lines[this.i]!;
    return line.text === '-' || line.text.startsWith('- ') ? this.seq(indent) : this.map(indent);
  }

  /** The value after `key:` with nothing on its line. */
  nested(indent: number, seqAtSameIndent: boolean): unknown {
    const next = this.lines[this.i];
    if (!next) return null;
    if (next.indent > indent) return this.block(next.indent);
    if (seqAtSameIndent && next.indent === indent && (next.text === '-' || next.text.startsWith('- '))) {
      return this.seq(indent);
    }
    return null;
  }

  map(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent < indent) break;
      if (line.indent > indent || line.text === '-' || line.text.startsWith('- ')) bail();
      let sep = line.text.indexOf(': ');
      if (sep < 0 && line.text.endsWith(':')) sep = line.text.length - 1;
      if (sep <= 0) bail();
      const k = key(line.text.slice(0, sep));
      if (Object.hasOwn(out, k)) bail();
      const rest = line.text.slice(sep + 1).trim();
      this.i++;
      if (rest === '' || rest.startsWith('#')) out[k] = this.nested(indent, true);
      else {
        out[k] = scalar(rest);
        const next = this.lines[this.i];
        if (next && next.indent > indent) bail();
      }
    }
    return out;
  }

  seq(indent: number): unknown[] {
    const out: unknown[] = [];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent < indent) break;
      if (line.indent > indent || !(line.text === '-' || line.text.startsWith('- '))) {
        if (line.indent === indent) break; // a sibling key of a same-indent sequence
        bail();
      }
      const after = line.text.slice(1);
      const rest = after.trimStart();
      if (rest === '' || rest.startsWith('#')) {
        this.i++;
        out.push(this.nested(indent, false));
        continue;
      }
      if (rest === '-' || rest.startsWith('- ')) bail();
      const col = indent + 1 + (after.length - rest.length);
      if (/^[^'"]*?: |^[^'"\s]*:$/.test(rest)) {
        this.lines[this.i] = { indent: col, text: rest };
        out.push(this.map(col));
      } else {
        this.i++;
        out.push(scalar(rest));
        const next = this.lines[this.i];
        if (next && next.indent > indent) bail();
      }
    }
    return out;
  }
}

/** Parse text in the plain block-YAML subset; undefined when anything else appears (use the full parser). */
export function tryParseSimpleYaml(text: string): { value: unknown } | undefined {
  const lines: Line[] = [];
  let started = false;
  for (const rawLine of text.split('\n')) {
    const l = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const content = l.trimStart();
    if (content === '' || content.startsWith('#')) continue;
    const indent = l.length - content.length;
    if (l.slice(0, indent).includes('\t')) return undefined;
    if (indent === 0 && (content.startsWith('---') || content.startsWith('...') || content.startsWith('%'))) {
      if (started || content.trimEnd() !== '---') return undefined;
      started = true;
      continue;
    }
    started = true;
    lines.push({ indent, text: content.trimEnd() });
  }
  if (lines.length === 0) return undefined;
  try {
    const p = new SubsetParser(lines);
    const first = lines[0]!;
    if (!first.text.includes(':') && !first.text.startsWith('-')) return undefined;
    const value = p.block(first.indent);
    return p.i === lines.length ? { value } : undefined;
  } catch (e) {
    if (e instanceof Bail) return undefined;
    throw e;
  }
}
