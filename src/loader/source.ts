// Bytes → YAML documents with positions: size cap, binary and UTF-8 checks, alias-bomb and duplicate-key safety.

import {
  Alias,
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  visit,
} from 'yaml';
import type { Diagnostic, Position } from '../model/diagnostic.js';

/** Files larger than this are refused before parsing (declarations are small; this keeps a bad file from hurting). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/**
 * Largest declaration file read (bytes read, not stat): the largest of the 532 OpenShift library files is 12 KB.
 * Parsing costs memory in proportion to size (a malformed JSON file goes through the YAML parser for positions).
 */
export const MAX_DECLARATION_BYTES = 1024 * 1024;
/** Declarations of one project, all files together: beyond this, files are refused unparsed. */
export const MAX_DECLARATIONS_TOTAL_BYTES = 32 * 1024 * 1024;
/** Aliases a document may expand; more is refused as a resource-exhaustion (billion laughs) attempt. */
export const MAX_ALIAS_COUNT = 100;

/** One parsed YAML/JSON document and its plain value. */
export interface SourceDoc {
  doc: Document.Parsed;
  /** The document as plain JS (undefined for an empty document). */
  value: unknown;
}

/** A parsed file: its documents, a way to map node paths to positions, and file-level problems. */
export interface SourceFile {
  file: string;
  text: string;
  docs: SourceDoc[];
  diagnostics: Diagnostic[];
  /** Position of an offset in the text. */
  positionOf(offset: number): Position;
}

function lineOfByte(bytes: Uint8Array, index: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: index - lineStart + 1 };
}

/** Offset of the first byte that breaks UTF-8, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let n = 0;
    if (b < 0x80) n = 0;
    else if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) n = 2;
    else if (b >= 0xf0 && b <= 0xf4) n = 3;
    else return i;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += n + 1;
  }
  return -1;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function fileDiag(file: string, pos: Position, code: Diagnostic['code'], message: string): Diagnostic {
  return { file, line: pos.line, column: pos.column, code, message, severity: 'error' };
}

/** Decode bytes as UTF-8 text, or explain (with the line) why they are not a text file. */
export function decodeText(file: string, bytes: Uint8Array): { text: string } | { diagnostic: Diagnostic } {
  if (bytes.length > MAX_FILE_BYTES) {
    const mb = (bytes.length / 1024 / 1024).toFixed(1);
    return {
      diagnostic: fileDiag(
        file,
        { line: 1, column: 1 },
        'FILE_TOO_LARGE',
        `file is ${mb} MB, over the ${MAX_FILE_BYTES / 1024 / 1024} MB limit for a declaration: split it into several files`,
      ),
    };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return {
      diagnostic: fileDiag(
        file,
        lineOfByte(bytes, nul),
        'BINARY_FILE',
        'file contains a NUL byte: it looks binary, not YAML or JSON; remove it from the declarations folder',
      ),
    };
  }
  try {
    let text = decoder.decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    return {
      diagnostic: fileDiag(
        file,
        lineOfByte(bytes, Math.max(bad, 0)),
        'INVALID_UTF8',
        'file is not valid UTF-8: save it as UTF-8 text',
      ),
    };
  }
}

function yamlMessage(code: string, message: string, text: string, offset: number): string {
  const first = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') {
    const m = /^[^\s:,{}[\]]+|^"[^"]*"|^'[^']*'/.exec(text.slice(offset));
    const key = m ? m[0].replace(/^["']|["']$/g, '') : '';
    return `duplicate key${key ? ` "${key}"` : ''}: a key may appear only once in a mapping; remove or rename one`;
  }
  return `invalid YAML: ${first}`;
}

/** Parse text (YAML 1.2, so JSON too) into documents; never throws. */
export function parseSource(file: string, text: string): SourceFile {
  const lineCounter = new LineCounter();
  const positionOf = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const diagnostics: Diagnostic[] = [];
  const docs: SourceDoc[] = [];
  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(parsed) ? parsed : [];
  for (const doc of list) {
    const errors = [...doc.errors];
    if (errors.length > 0) {
      for (const e of errors) {
        let offset = e.pos[0];
        const quote = /Missing closing (["'])quote/.exec(e.message)?.[1];
        // An unterminated quoted scalar runs to the end of the file; point at its opening quote instead.
        if (quote) offset = Math.max(text.lastIndexOf(quote, offset - 1), 0);
        const pos = positionOf(offset);
        diagnostics.push({
          ...fileDiag(file, pos, e.code === 'DUPLICATE_KEY' ? 'DUPLICATE_KEY' : 'YAML_SYNTAX', ''),
          message: yamlMessage(e.code, e.message, text, offset),
        });
      }
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      let offset = doc.range[0];
      visit(doc, {
        Alias(_, node) {
          if (node.range) offset = node.range[0];
          return visit.BREAK;
        },
      });
      diagnostics.push(
        fileDiag(
          file,
          positionOf(offset),
          'ALIAS_LIMIT',
          `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} uses, a resource-exhaustion pattern): write the values out instead of using aliases`,
        ),
      );
      void e;
      continue;
    }
    docs.push({ doc, value });
  }
  return { file, text, docs, diagnostics, positionOf };
}

/**
 * The node at a JSON-pointer-like path (segments) in a document; with `key`, the last segment's key node.
 * Stops at the deepest node found, so a position always exists.
 */
export function nodeAtPath(
  doc: Document.Parsed,
  path: readonly (string | number)[],
  key = false,
): Node | undefined {
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  for (let i = 0; i < path.length; i++) {
    if (node instanceof Alias) node = node.resolve(doc);
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
      );
      if (!pair) return node as Node;
      keyNode = pair.key as Node;
      if (key && i === path.length - 1) return keyNode;
      node = pair.value ?? keyNode;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) return node as Node;
      node = item;
    } else {
      return (node as Node | undefined) ?? undefined;
    }
  }
  if (node instanceof Alias) return node;
  return (node as Node | null) ?? keyNode;
}

/** Position of the node at `path` (or its key), falling back to the document start. */
export function positionAt(
  src: SourceFile,
  doc: Document.Parsed,
  path: readonly (string | number)[],
  key = false,
): Position & { endLine?: number; endColumn?: number } {
  const node = nodeAtPath(doc, path, key);
  const range = node?.range ?? doc.contents?.range ?? doc.range;
  const start = src.positionOf(range[0]);
  const end = src.positionOf(range[1]);
  return { ...start, endLine: end.line, endColumn: end.column };
}
