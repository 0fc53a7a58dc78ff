// Find where a stream object sits in its file (document index and path prefix), for minimal-diff edits.

import { isMap, isScalar, isSeq, type Node, parseAllDocuments } from 'yaml';
import type { EditPath } from './yaml-edit.js';

function scalarAt(node: Node | null | undefined, key: string): unknown {
  if (!node || !isMap(node)) return undefined;
  const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
  const v = pair?.value;
  return v && isScalar(v) ? v.value : undefined;
}
function childAt(node: Node | null | undefined, key: string): Node | undefined {
  if (!node || !isMap(node)) return undefined;
  const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
  return (pair?.value as Node | null) ?? undefined;
}

/** Locate the ImageStream named `name` in a file's documents (plain, ImageStreamList or List). */
export function locateStream(text: string, name: string): { docIndex: number; prefix: EditPath } | undefined {
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(docs)) return undefined;
  for (let d = 0; d < docs.length; d++) {
    const root = docs[d]!.contents as Node | null;
    const kind = scalarAt(root, 'kind');
    if (kind === 'ImageStream' && scalarAt(childAt(root, 'metadata'), 'name') === name) {
      return { docIndex: d, prefix: [] };
    }
    const items = childAt(root, 'items');
    if (items && isSeq(items)) {
      for (let i = 0; i < items.items.length; i++) {
        const it = items.items[i] as Node;
        if (scalarAt(it, 'kind') === 'ImageStream' && scalarAt(childAt(it, 'metadata'), 'name') === name) {
          return { docIndex: d, prefix: ['items', i] };
        }
      }
    }
  }
  return undefined;
}

/** Index of the tag named `tag` in the stream's `spec.tags` at `prefix` of document `docIndex` (-1: absent). */
export function locateTag(text: string, docIndex: number, prefix: EditPath, tag: string): number {
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(docs) || !docs[docIndex]) return -1;
  let node = docs[docIndex]!.contents as Node | null | undefined;
  for (const k of prefix) {
    if (typeof k === 'number') node = node && isSeq(node) ? (node.items[k] as Node) : undefined;
    else node = childAt(node, k);
  }
  const tags = childAt(childAt(node, 'spec'), 'tags');
  if (!tags || !isSeq(tags)) return -1;
  return tags.items.findIndex((it) => String(scalarAt(it as Node, 'name')) === tag);
}
