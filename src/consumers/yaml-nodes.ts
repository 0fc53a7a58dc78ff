// Small read-only helpers over the `yaml` package's node tree: lookups that see through aliases and merge keys.

import { type Document, isAlias, isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import type { ValueSlot, ValueStyle } from './types.js';

/** Follow aliases to the anchored node. */
export function deref(doc: Document, node: unknown): Node | undefined {
  let n = node;
  for (let hops = 0; isAlias(n) && hops < 32; hops++) n = n.resolve(doc);
  return isAlias(n) ? undefined : ((n as Node | undefined) ?? undefined);
}

function keyOf(k: unknown): unknown {
  return isScalar(k) ? k.value : k;
}

/** A `<<` merge key, whether or not the parser resolved it to its merge symbol. */
function isMergeKey(k: unknown): boolean {
  return isScalar(k) && (k.value === '<<' || (typeof k.value === 'symbol' && k.source === '<<'));
}

/** `map[key]`, seeing through `<<: *anchor` merge keys (own keys first), aliases resolved. */
export function getIn(doc: Document, map: unknown, key: string): Node | undefined {
  const m = deref(doc, map);
  if (!isMap(m)) return undefined;
  for (const pair of m.items) if (keyOf(pair.key) === key) return deref(doc, pair.value);
  for (const pair of m.items) {
    if (!isMergeKey(pair.key)) continue;
    const src = deref(doc, pair.value);
    const sources = isSeq(src) ? src.items : [src];
    for (const s of sources) {
      const v = getIn(doc, s, key);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

/** Walk a chain of keys. */
export function getPath(doc: Document, node: unknown, keys: readonly string[]): Node | undefined {
  let n: unknown = node;
  for (const k of keys) {
    n = getIn(doc, n, k);
    if (n === undefined) return undefined;
  }
  return deref(doc, n);
}

/** The string value of a scalar node, or undefined. */
export function str(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

/** The items of a sequence node (aliases resolved), or []. */
export function seqItems(doc: Document, node: unknown): Node[] {
  const s = deref(doc, node);
  if (!isSeq(s)) return [];
  return s.items.map((i) => deref(doc, i)).filter((i): i is Node => i !== undefined);
}

/** True for a map node. */
export function asMap(doc: Document, node: unknown): YAMLMap | undefined {
  const m = deref(doc, node);
  return isMap(m) ? m : undefined;
}

const STYLES: Record<string, ValueStyle> = { PLAIN: 'plain', QUOTE_DOUBLE: 'double', QUOTE_SINGLE: 'single' };

/** The source range and quoting of a one-line string scalar; undefined for block scalars and non-strings. */
export function slotOf(node: Scalar): ValueSlot | undefined {
  const style = STYLES[node.type ?? ''];
  if (!style || !node.range || typeof node.value !== 'string') return undefined;
  // An empty plain scalar has no text of its own (`image: !` or `image: &a`): a value written there would join
  // the tag or anchor before it, and every later run would append again.
  if (style === 'plain' && node.range[0] === node.range[1]) return undefined;
  return { start: node.range[0], end: node.range[1], style };
}
