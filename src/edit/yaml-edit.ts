// Minimal-diff edits of YAML and JSON documents: only the changed values change, every comment, key order,
// quoting style and indentation elsewhere stays byte-for-byte as it was.

import {
  isMap,
  isScalar,
  isSeq,
  type Node,
  type ParsedNode,
  parseAllDocuments,
  stringify,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { ImagestreamsError } from '../model/errors.js';
import {
  applySplices,
  backOverSpace,
  type Ctx,
  columnOf,
  contentEnd,
  getChild,
  indentUnit,
  jsonUnit,
  leadingWhitespace,
  lineStartOf,
  looksJson,
  renderBlockValue,
  renderJsonValue,
  renderScalar,
  resolve,
  type Splice,
} from './yaml-text.js';

/** A path into a document: map keys and sequence indexes. */
export type EditPath = (string | number)[];

/** One edit: set a value (merged key by key into existing maps), delete a key or item, or append to a list. */
export type EditOp =
  | { op: 'set'; path: EditPath; value: unknown }
  | { op: 'delete'; path: EditPath }
  | { op: 'append'; path: EditPath; value: unknown };

/** Apply edits to document `docIndex` of a (possibly multi-document) YAML or JSON text; returns the new text. */
export function editDocumentText(text: string, docIndex: number, ops: EditOp[]): string {
  let out = text;
  // Each op is applied to a fresh parse so ranges always match the current text.
  for (const op of ops) {
    const docs = parseAllDocuments(out, { keepSourceTokens: false, uniqueKeys: false });
    if (!Array.isArray(docs) || !docs[docIndex]) {
      throw new ImagestreamsError('EDIT_FAILED', `document ${docIndex + 1} not found`, {
        data: { docIndex },
      });
    }
    const root = docs[docIndex]!.contents as ParsedNode | null;
    if (!root) throw new ImagestreamsError('EDIT_FAILED', `document ${docIndex + 1} is empty`);
    const splices: Splice[] = [];
    const ctx: Ctx = { text: out, splices, json: looksJson(out) };
    if (op.op === 'set') setAt(ctx, root, op.path, op.value);
    else if (op.op === 'delete') deleteAt(ctx, root, op.path);
    else appendAt(ctx, root, op.path, op.value);
    out = applySplices(out, splices);
  }
  return out;
}

function setAt(ctx: Ctx, root: Node, path: EditPath, value: unknown): void {
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1]!;
  const parent = resolve(root, parentPath);
  const existing = getChild(parent, key);
  if (existing) {
    setNode(ctx, existing, value);
    return;
  }
  if (!isMap(parent) || typeof key !== 'string') {
    throw new ImagestreamsError('EDIT_FAILED', `cannot add ${String(key)} at ${parentPath.join('.')}`);
  }
  insertPair(ctx, parent, key, value);
}

function setNode(ctx: Ctx, node: Node, value: unknown): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && isMap(node)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const child = getChild(node, k);
      if (child) setNode(ctx, child, v);
      else insertPair(ctx, node, k, v);
    }
    return;
  }
  if (isScalar(node) && (value === null || typeof value !== 'object')) {
    if (node.value === value) return;
    const r = node.range!;
    ctx.splices.push({ start: r[0], end: r[1], text: renderScalar(ctx, value, node) });
    return;
  }
  // Replace a whole collection (or a scalar by a collection).
  const r = node.range!;
  const col = columnOf(ctx.text, r[0]);
  if (!ctx.json && isScalar(node) && node.value === null && value !== null && typeof value === 'object') {
    // An empty value (`tags:`, `tags: ~`) becomes a block under its key, never `tags:[…]` glued to the colon.
    const keyCol = leadingWhitespace(ctx.text, r[0]).length;
    const start = backOverSpace(ctx.text, r[0]);
    ctx.splices.push({ start, end: r[1], text: renderBlockValue(ctx, value, keyCol) });
    return;
  }
  if (ctx.json || (isMap(node) && node.flow) || (isSeq(node) && node.flow) || isScalar(node)) {
    const text = ctx.json
      ? renderJsonValue(value, leadingWhitespace(ctx.text, r[0]), jsonUnit(ctx))
      : JSON.stringify(value);
    ctx.splices.push({ start: r[0], end: r[1], text });
    return;
  }
  const keyCol = Math.max(0, col - indentUnit(ctx));
  const start = backOverSpace(ctx.text, r[0]);
  ctx.splices.push({ start, end: backOverSpace(ctx.text, r[2]), text: renderBlockValue(ctx, value, keyCol) });
}

function insertPair(ctx: Ctx, map: YAMLMap, key: string, value: unknown): void {
  const last = map.items[map.items.length - 1];
  const r = (map as Node).range!;
  if (map.flow || ctx.json) {
    const keyText = ctx.json ? JSON.stringify(key) : key;
    if (!last) {
      // `{}` → `{"k": v}`
      const open = ctx.text.indexOf('{', r[0]);
      const val = JSON.stringify(value);
      const inner = ctx.json ? `${keyText}: ${val}` : ` ${keyText}: ${val} `;
      ctx.splices.push({ start: open + 1, end: open + 1, text: inner });
      return;
    }
    const lastKey = last.key as Node;
    const lastVal = (last.value as Node | null) ?? lastKey;
    const end = lastVal.range![1];
    const multiline = lineStartOf(ctx.text, lastKey.range![0]) !== lineStartOf(ctx.text, r[0]);
    if (multiline) {
      const pad = leadingWhitespace(ctx.text, lastKey.range![0]);
      const rendered = ctx.json ? renderJsonValue(value, pad, jsonUnit(ctx)) : JSON.stringify(value);
      ctx.splices.push({ start: end, end, text: `,\n${pad}${keyText}: ${rendered}` });
    } else {
      ctx.splices.push({ start: end, end, text: `, ${keyText}: ${JSON.stringify(value)}` });
    }
    return;
  }
  if (!last) throw new ImagestreamsError('EDIT_FAILED', `cannot add ${key} to an empty block mapping`);
  const keyNode = last.key as Node;
  const col = columnOf(ctx.text, keyNode.range![0]);
  const at = contentEnd(ctx.text, (last.value as Node | null) ?? keyNode);
  ctx.splices.push({
    start: at,
    end: at,
    text: `\n${' '.repeat(col)}${key}:${renderBlockValue(ctx, value, col)}`,
  });
}

function deleteAt(ctx: Ctx, root: Node, path: EditPath): void {
  const parent = resolve(root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  let items: unknown[];
  let index: number;
  if (isMap(parent)) {
    items = parent.items;
    index = parent.items.findIndex((p) => isScalar(p.key) && p.key.value === key);
  } else if (isSeq(parent) && typeof key === 'number') {
    items = parent.items;
    index = key;
  } else throw new ImagestreamsError('EDIT_FAILED', `path ${path.join('.')} not found`);
  if (index < 0 || index >= items.length)
    throw new ImagestreamsError('EDIT_FAILED', `path ${path.join('.')} not found`);
  const startNode = isMap(parent) ? ((items[index] as { key: Node }).key as Node) : (items[index] as Node);
  const endNode = isMap(parent)
    ? (((items[index] as { value: Node | null }).value as Node | null) ?? startNode)
    : (items[index] as Node);
  const flow = ctx.json || (parent as YAMLMap | YAMLSeq).flow;
  if (flow) {
    // Remove the entry with its following comma (and the rest of that line), or else the comma before it.
    let start = startNode.range![0];
    let end = endNode.range![1];
    const comma = /^\s*,/.exec(ctx.text.slice(end));
    if (comma) {
      end += comma[0].length;
      const rest = /^[ \t]*\n/.exec(ctx.text.slice(end));
      const ls = lineStartOf(ctx.text, start);
      if (rest && /^[ \t]*$/.test(ctx.text.slice(ls, start))) {
        start = ls;
        end += rest[0].length;
      }
    } else {
      const m = /,\s*$/.exec(ctx.text.slice(0, start));
      if (m) start -= m[0].length;
    }
    ctx.splices.push({ start, end, text: '' });
    return;
  }
  // Block: remove whole lines, from the item's first line (the `- ` for sequences) to its content end.
  const firstLine = lineStartOf(ctx.text, startNode.range![0]);
  const end = contentEnd(ctx.text, endNode);
  ctx.splices.push({ start: firstLine, end: Math.min(ctx.text.length, end + 1), text: '' });
}

function appendAt(ctx: Ctx, root: Node, path: EditPath, value: unknown): void {
  const seq = resolve(root, path);
  if (!isSeq(seq)) throw new ImagestreamsError('EDIT_FAILED', `${path.join('.')} is not a list`);
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (ctx.json || seq.flow) {
    if (!last) {
      const open = ctx.text.indexOf('[', seq.range![0]);
      ctx.splices.push({ start: open + 1, end: open + 1, text: JSON.stringify(value) });
      return;
    }
    const ls = lineStartOf(ctx.text, last.range![0]);
    const pad = ctx.text.slice(ls, last.range![0]);
    const multiline = /^[ \t]*$/.test(pad);
    const rendered = ctx.json ? renderJsonValue(value, pad, jsonUnit(ctx)) : JSON.stringify(value);
    ctx.splices.push({
      start: last.range![1],
      end: last.range![1],
      text: multiline ? `,\n${pad}${rendered}` : `, ${rendered}`,
    });
    return;
  }
  if (!last)
    throw new ImagestreamsError('EDIT_FAILED', `cannot append to an empty block list at ${path.join('.')}`);
  const dashCol = columnOf(ctx.text, ctx.text.lastIndexOf('-', last.range![0]));
  const unit = indentUnit(ctx);
  const body = stringify([value], { indent: unit, lineWidth: 0, indentSeq: true }).trimEnd();
  const pad = ' '.repeat(dashCol);
  const at = contentEnd(ctx.text, last);
  ctx.splices.push({
    start: at,
    end: at,
    text: `\n${body
      .split('\n')
      .map((l) => pad + l)
      .join('\n')}`,
  });
}
