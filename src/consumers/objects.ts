// Parse a YAML/JSON file and list the Kubernetes objects in it (multi-document, `*List` items, Template objects).

import { type Document, LineCounter, parseAllDocuments, type YAMLMap } from 'yaml';
import type { ConsumerDiagnostic } from './types.js';
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
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, merge: true, uniqueKeys: false });
  const lineAt = (offset: number) => lc.linePos(offset).line;
  const objects: KubeObject[] = [];
  const errors: ConsumerDiagnostic[] = [];
  if (!Array.isArray(docs)) return { objects, errors };
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      errors.push({
        code: 'CONSUMER_YAML_INVALID',
        file,
        line: e.linePos?.[0].line ?? 1,
        message: `cannot parse the file as YAML: ${e.message.split('\n')[0]}`,
      });
      continue;
    }
    collect(file, text, doc, doc.contents, lineAt, objects, 0);
  }
  return { objects, errors };
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
