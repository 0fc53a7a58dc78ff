// Consumer-file fast path: the block subset of YAML that nearly every Kubernetes manifest is written in, read
// straight into the `yaml` package's node classes (YAMLMap, YAMLSeq, Pair, Scalar) with the values, styles,
// sources and ranges its parser gives them, but without its lexer and token tree. Those allocate about 340 times
// the text (a repository of 10,000 objects: 1.5 GB for 4.4 MB of YAML), which grew Node 24's heap by some 40 MB
// at the end of a run (issue #17). Anything outside the subset returns undefined and the file goes to the full
// parser: anchors, aliases, tags, merge keys, block and multi-line scalars, escapes, flow collections other than
// `{}` and `[]`, directives, `...`, empty values, tabs, CR line ends, a byte-order mark, and a comment line not
// aligned with the line after it.
// test/consumers/yaml-fast.test.ts checks the nodes against the full parser's, on generated files and on every
// YAML file of the repository.

import { LineCounter, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { plainValue, UNSURE } from '../util/yaml-plain.js';

/** A content line: its indent, its text (trimmed), and the source offset of that text's first character. */
interface Line {
  indent: number;
  text: string;
  start: number;
  /** Offset just past the line's newline (the text's length on a last line without one). */
  next: number;
}

/** The documents of a file: each one's root (null when empty), and its lines as the full parser counts them. */
export interface FastRead {
  roots: (YAMLMap | YAMLSeq | null)[];
  lineCounter: LineCounter;
}

class Bail extends Error {}

const bail = (): never => {
  throw new Bail();
};

// A block-map key the subset accepts, and the `key:` that opens an entry (colon then a space or the line's end).
const ENTRY_RE = /^[A-Za-z_][\w./-]*:(?: |$)/;
// Characters that start something other than a plain scalar; `-` only when a space follows.
const INDICATOR_RE = /^[[\]{}&*!|>'"%@`#,?:]/;
const DOC_MARKER_RE = /^---(?:[ ]+#.*)?$/;

const isSeqLine = (text: string) => text === '-' || text.startsWith('- ');

/** Read `text` in the subset, or undefined when any part of it is outside (then the full parser reads it all). */
export function fastRead(text: string): FastRead | undefined {
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  const docs: Line[][] = [[]];
  let sawMarker = false;
  // The indent of the comment lines since the last content line (-1: none).
  let commentIndent = -1;
  for (let pos = 0; pos < text.length; ) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    const next = nl < 0 ? text.length : nl + 1;
    if (nl >= 0) lineCounter.addNewLine(next);
    let indent = 0;
    while (pos + indent < end && text.charCodeAt(pos + indent) === 0x20) indent++;
    const first = text.charCodeAt(pos + indent);
    if (pos + indent < end && first === 0x23 /* # */) {
      // The full parser stretches a value's or a collection's end over some comments after it; a comment
      // aligned with the line after it (or at column 0 before a document's end) is never one of those.
      if (commentIndent >= 0 && commentIndent !== indent) return undefined;
      commentIndent = indent;
    } else if (pos + indent < end) {
      const content = text.slice(pos + indent, end).trimEnd();
      const lines = docs[docs.length - 1]!;
      if (
        indent === 0 &&
        (content.startsWith('---') || content.startsWith('...') || first === 0x25) /* % */
      ) {
        if (!DOC_MARKER_RE.test(content) || commentIndent > 0) return undefined;
        // A first marker with nothing before it opens the first document, not a second one.
        if (docs.length > 1 || lines.length > 0 || sawMarker) docs.push([]);
        sawMarker = true;
      } else {
        if (commentIndent >= 0 && commentIndent !== indent) return undefined;
        lines.push({ indent, text: content, start: pos + indent, next });
      }
      commentIndent = -1;
    }
    pos = next;
  }
  if (commentIndent > 0) return undefined;
  try {
    const roots = docs.map((lines) => {
      if (lines.length === 0) return null;
      const p = new SubsetReader(lines);
      const root = p.block(lines[0]!.indent);
      return p.i === lines.length ? root : bail();
    });
    return { roots, lineCounter };
  } catch (e) {
    if (e instanceof Bail) return undefined;
    throw e;
  }
}

/** A scalar node as the `yaml` composer makes one. */
function scalarNode(
  value: unknown,
  type: Scalar.Type,
  source: string,
  range: [number, number, number],
): Scalar {
  const s = new Scalar(value);
  s.range = range;
  s.source = source;
  s.type = type;
  return s;
}

class SubsetReader {
  i = 0;
  constructor(readonly lines: Line[]) {}

  block(indent: number): YAMLMap | YAMLSeq {
    return isSeqLine(this.lines[this.i]!.text) ? this.seq(indent) : this.map(indent);
  }

  /** The nested value of an entry with nothing after its `key:` or `-`. */
  nested(indent: number, seqAtSameIndent: boolean): YAMLMap | YAMLSeq {
    const next = this.lines[this.i];
    if (next && next.indent > indent) return this.block(next.indent);
    if (seqAtSameIndent && next && next.indent === indent && isSeqLine(next.text)) return this.seq(indent);
    return bail(); // an empty value: its position is the full parser's to give
  }

  map(indent: number): YAMLMap {
    const map = new YAMLMap();
    const start = this.lines[this.i]!.start;
    let end = start;
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent < indent) break;
      if (line.indent > indent || !ENTRY_RE.test(line.text)) bail();
      const colon = line.text.indexOf(':');
      const key = line.text.slice(0, colon);
      if (plainValue(key) !== key) bail(); // `true:`, `null:`… are not string keys
      const keyNode = scalarNode(key, 'PLAIN', key, [line.start, line.start + colon, line.start + colon]);
      const after = line.text.slice(colon + 1);
      const rest = after.trimStart();
      this.i++;
      let value: YAMLMap | YAMLSeq | Scalar;
      if (rest === '' || rest.startsWith('#')) value = this.nested(indent, true);
      else value = this.onLine(rest, line.start + colon + 1 + (after.length - rest.length), line, indent);
      map.items.push(new Pair(keyNode, value));
      end = value.range![2];
    }
    map.range = [start, end, end];
    return map;
  }

  seq(indent: number): YAMLSeq {
    const seq = new YAMLSeq();
    const start = this.lines[this.i]!.start;
    let end = start;
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent < indent) break;
      if (!isSeqLine(line.text)) {
        if (line.indent === indent) break; // a sibling key of a sequence written at its key's indent
        bail();
      }
      if (line.indent > indent) bail();
      const after = line.text.slice(1);
      const rest = after.trimStart();
      const offset = 1 + (after.length - rest.length);
      let item: YAMLMap | YAMLSeq | Scalar;
      if (rest === '' || rest.startsWith('#')) {
        this.i++;
        item = this.nested(indent, false);
      } else if (isSeqLine(rest)) {
        item = bail();
      } else if (ENTRY_RE.test(rest)) {
        // `- key: value`: the map's entries line up under its first key.
        this.lines[this.i] = { ...line, indent: indent + offset, text: rest, start: line.start + offset };
        item = this.map(indent + offset);
      } else {
        this.i++;
        item = this.onLine(rest, line.start + offset, line, indent);
      }
      seq.items.push(item);
      end = item.range![2];
    }
    seq.range = [start, end, end];
    return seq;
  }

  /** A value on its entry's line (read past); the next line may not be deeper (that would continue it). */
  onLine(raw: string, start: number, line: Line, indent: number): Scalar | YAMLMap | YAMLSeq {
    const value = this.inline(raw, start, line.next);
    const next = this.lines[this.i];
    if (next && next.indent > indent) bail();
    return value;
  }

  /** A value on its key's line: a quoted or plain one-line scalar, or an empty flow collection. */
  inline(raw: string, start: number, end: number): Scalar | YAMLMap | YAMLSeq {
    const c = raw[0];
    if (c === '"' || c === "'") {
      const close = closingQuote(raw, c);
      const inner = raw.slice(1, close);
      if (c === '"' && inner.includes('\\')) bail();
      commentOnly(raw.slice(close + 1));
      const value = c === '"' ? inner : inner.replaceAll("''", "'");
      return scalarNode(value, c === '"' ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE', value, [
        start,
        start + close + 1,
        end,
      ]);
    }
    if (raw.startsWith('{}') || raw.startsWith('[]')) {
      commentOnly(raw.slice(2));
      const node = c === '{' ? new YAMLMap() : new YAMLSeq();
      node.flow = true;
      node.range = [start, start + 2, end];
      return node;
    }
    if (INDICATOR_RE.test(raw) || (c === '-' && (raw.length === 1 || raw[1] === ' '))) bail();
    const hash = raw.indexOf(' #');
    const s = hash >= 0 ? raw.slice(0, hash).trimEnd() : raw;
    if (s.includes(': ') || s.endsWith(':')) bail();
    const value = plainValue(s);
    if (value === UNSURE) bail();
    return scalarNode(value, 'PLAIN', s, [start, start + s.length, end]);
  }
}

/** The index of the quote that closes a one-line quoted scalar opened at 0 (`''` is a quote inside '…'). */
function closingQuote(raw: string, quote: string): number {
  for (let j = 1; j < raw.length; j++) {
    if (raw[j] !== quote) continue;
    if (quote === "'" && raw[j + 1] === "'") {
      j++;
      continue;
    }
    return j;
  }
  return bail();
}

/** What follows a value on its line must be nothing or a comment (a space, then `#`). */
function commentOnly(rest: string): void {
  if (rest !== '' && !/^ +#/.test(rest)) bail();
}
