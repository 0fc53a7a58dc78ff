// The text side of minimal-diff edits: positions (line start, column, content end), the splices an edit collects,
// and values rendered in the style of the surrounding document (quoting, indentation, JSON or block YAML).

import { isMap, isPair, isScalar, isSeq, type Node, parseDocument, Scalar, stringify } from 'yaml';
import { ImagestreamsError } from '../model/errors.js';
import type { EditPath } from './yaml-edit.js';

/** Replace `[start, end)` of the text by `text`. */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** The text being edited, the splices collected for it, and whether it is JSON. */
export interface Ctx {
  text: string;
  splices: Splice[];
  json: boolean;
}

export function looksJson(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('{') || t.startsWith('[');
}

export function applySplices(text: string, splices: Splice[]): string {
  const sorted = [...splices].sort((a, b) => b.start - a.start);
  let out = text;
  for (const s of sorted) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

export function getChild(node: Node, key: string | number): Node | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
    return (pair?.value as Node | null) ?? undefined;
  }
  if (isSeq(node) && typeof key === 'number') return node.items[key] as Node | undefined;
  return undefined;
}

export function resolve(root: Node, path: EditPath): Node {
  let node: Node | undefined = root;
  for (const k of path) {
    node = node ? getChild(node, k) : undefined;
    if (!node)
      throw new ImagestreamsError('EDIT_FAILED', `path ${path.join('.')} not found`, { data: { path } });
  }
  return node;
}

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
export function lineEndOf(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i < 0 ? text.length : i;
}
export function columnOf(text: string, offset: number): number {
  return offset - lineStartOf(text, offset);
}
export function backOverSpace(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  return i;
}
/** End of the last line holding content of `node` (its trailing comment included). */
export function contentEnd(text: string, node: Node): number {
  const r = node.range!;
  return lineEndOf(text, backOverSpace(text, r[2]));
}

export function indentUnit(ctx: Ctx): number {
  const m = /\n( +)\S/.exec(ctx.text);
  return m ? Math.min(m[1]!.length, 4) : 2;
}

/** Render a scalar like the one it replaces (same quoting), or as JSON in JSON files. */
export function renderScalar(ctx: Ctx, value: unknown, like?: Scalar): string {
  if (ctx.json || (like && like.type === Scalar.QUOTE_DOUBLE)) return JSON.stringify(value);
  if (typeof value !== 'string') return String(value);
  if (like && like.type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  const plain = stringify(value, { lineWidth: 0 }).trimEnd();
  return plain.includes('\n') ? JSON.stringify(value) : plain;
}

/** Render a new value placed after `key:` (block YAML) at the given key column. */
export function renderBlockValue(ctx: Ctx, value: unknown, column: number): string {
  if (value === null || typeof value !== 'object') return ` ${renderScalar(ctx, value)}`;
  if (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0) {
    return Array.isArray(value) ? ' []' : ' {}';
  }
  const unit = indentUnit(ctx);
  const body = stringify(value, { indent: unit, lineWidth: 0, indentSeq: true }).trimEnd();
  const pad = ' '.repeat(column + unit);
  return `\n${body
    .split('\n')
    .map((l) => pad + l)
    .join('\n')}`;
}

/** JSON text of a value whose first line continues an existing line indented by `pad`. */
export function renderJsonValue(value: unknown, pad: string, unitText: string): string {
  return JSON.stringify(value, null, unitText)
    .split('\n')
    .map((l, i) => (i === 0 ? l : pad + l))
    .join('\n');
}

export function leadingWhitespace(text: string, offset: number): string {
  const ls = lineStartOf(text, offset);
  return /^[ \t]*/.exec(text.slice(ls))![0];
}

export function jsonUnit(ctx: Ctx): string {
  const m = /\n([ \t]+)"/.exec(ctx.text);
  return m?.[1]?.startsWith('\t') ? '\t' : ' '.repeat(m ? Math.min(m[1]!.length, 4) : 2);
}

/**
 * True when `value`, written as a plain scalar, reads back as exactly this string under YAML 1.2 and under YAML 1.1
 * (Helm reads values with go-yaml, which still takes `yes`, `on`, `0777`, `1_000` for booleans and numbers). A
 * value that could open structure (`- x`, `a: b`, `[x]`, `&a`, ` #`) never reads back as itself, so it fails too.
 */
export function isPlainYamlString(value: string): boolean {
  if (value === '' || /[\r\n]/.test(value)) return false;
  return (['1.1', '1.2'] as const).every((version) => {
    const doc = parseDocument(value, { version });
    const node = doc.contents;
    return doc.errors.length === 0 && isScalar(node) && node.type === Scalar.PLAIN && node.value === value;
  });
}
