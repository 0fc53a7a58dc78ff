// Parse a YAML/JSON file and list the Kubernetes objects in it (multi-document, `*List` items, Template objects).

import { Composer, Document, LineCounter, Parser, type YAMLError, type YAMLMap } from 'yaml';
import type { ConsumerDiagnostic } from './types.js';
import { fastRead } from './yaml-fast.js';
import { asMap, getPath, seqItems, str } from './yaml-nodes.js';

/** One Kubernetes object inside a file, with what the finders need to address and name it. */
export interface KubeObject {
  file: string;
  doc: Document;
  node: YAMLMap;
  kind: string;
  name: string;
  /** metadata.namespace when the object has one. */
  namespace?: string;
  /** `Kind/name`, for messages. */
  label: string;
  /** 1-based line of a source offset. */
  lineAt: (offset: number) => number;
  /** 1-based line where the object starts. */
  line: number;
  /** The whole file's text (for inserting values where there are none). */
  source: string;
}

/** Every object of every document; YAML errors become diagnostics and that document is skipped. */
export function listObjects(
  file: string,
  text: string,
): { objects: KubeObject[]; errors: ConsumerDiagnostic[] } {
  const errors: ConsumerDiagnostic[] = [];
  const objects = [...eachObject(file, text, errors)];
  return { objects, errors };
}

/**
 * The objects of a file. Files in the block subset most manifests use are read by the fast path (yaml-fast.ts);
 * the others by the full parser one document at a time, each parsed only when the one before it has been used, so
 * a file of many documents never holds all their token trees at once. YAML errors are pushed to `errors` as
 * parseAllDocuments would report them, and that document is skipped. `fast: false` is for the tests that compare
 * the two paths.
 */
export function* eachObject(
  file: string,
  text: string,
  errors: ConsumerDiagnostic[],
  opts: { fast?: boolean } = {},
): Generator<KubeObject> {
  const fast = opts.fast === false ? undefined : fastRead(text);
  if (fast) {
    const lineAt = (offset: number) => fast.lineCounter.linePos(offset).line;
    for (const root of fast.roots) {
      const out: KubeObject[] = [];
      collect(file, text, treeless(), root, lineAt, out, 0);
      yield* out;
    }
    return;
  }
  const lc = new LineCounter();
  const lineAt = (offset: number) => lc.linePos(offset).line;
  const composer = new Composer({ merge: true, uniqueKeys: false });
  for (const doc of composer.compose(new Parser(lc.addNewLine).parse(text))) {
    if (doc.errors.length > 0) {
      errors.push(parseError(file, doc.errors[0]!, lc));
      continue;
    }
    const out: KubeObject[] = [];
    collect(file, text, doc, doc.contents, lineAt, out, 0);
    yield* out;
  }
}

let emptyDocument: Document | undefined;

/** The document the finders get with a fast-read tree: it has no aliases to resolve, so one empty one serves. */
function treeless(): Document {
  emptyDocument ??= new Document();
  return emptyDocument;
}

/** The diagnostic of a document's first YAML error, worded as parseAllDocuments' pretty errors begin. */
function parseError(file: string, e: YAMLError, lc: LineCounter): ConsumerDiagnostic {
  const at = e.pos[0] === -1 ? undefined : lc.linePos(e.pos[0]);
  const message = at ? `${e.message} at line ${at.line}, column ${at.col}` : e.message;
  return {
    code: 'CONSUMER_YAML_INVALID',
    file,
    line: at?.line ?? 1,
    message: `cannot parse the file as YAML: ${message.split('\n')[0]}`,
  };
}

function collect(
  file: string,
  source: string,
  doc: Document,
  node: unknown,
  lineAt: (o: number) => number,
  out: KubeObject[],
  depth: number,
): void {
  const map = asMap(doc, node);
  if (!map || depth > 4) return;
  const kind = str(getPath(doc, map, ['kind']));
  if (!kind) return;
  const nested = kind === 'Template' ? 'objects' : kind.endsWith('List') ? 'items' : undefined;
  if (nested) {
    for (const item of seqItems(doc, getPath(doc, map, [nested])))
      collect(file, source, doc, item, lineAt, out, depth + 1);
    return;
  }
  const name = str(getPath(doc, map, ['metadata', 'name'])) ?? '(unnamed)';
  const namespace = str(getPath(doc, map, ['metadata', 'namespace']));
  const line = lineAt(map.range?.[0] ?? 0);
  const obj: KubeObject = {
    file,
    doc,
    node: map,
    kind,
    name,
    label: `${kind}/${name}`,
    lineAt,
    line,
    source,
  };
  if (namespace) obj.namespace = namespace;
  out.push(obj);
}
