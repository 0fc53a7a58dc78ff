// One declaration file → ImageStream objects (ImageStream, ImageStreamList, List; multi-document), schema-checked.

import type { Document } from 'yaml';
import type { Diagnostic } from '../model/diagnostic.js';
import { DECLARATION_KINDS, type ImageStream, type LoadedStream, type ObjectPath } from '../model/stream.js';
import { firstDuplicateJsonKey, tryParseJson } from './json-fast.js';
import { schemaProblems, validator } from './schemas.js';
import { decodeText, parseSource, positionAt, type SourceFile } from './source.js';
import { tryParseSimpleYaml } from './yaml-fast.js';

/** What one file yielded. */
export interface ParsedDeclarations {
  streams: LoadedStream[];
  diagnostics: Diagnostic[];
  /** Number of tags in the schema-valid streams. */
  tags: number;
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(
        dp[j]! + 1,
        dp[j - 1]! + 1,
        prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

function kindMessage(kind: unknown, inList: boolean): string {
  const expected = inList
    ? 'ImageStream (the only kind a list of declarations may hold)'
    : 'ImageStream, ImageStreamList or List';
  if (kind === undefined) return `missing "kind": expected ${expected}`;
  const s = typeof kind === 'string' ? kind : JSON.stringify(kind);
  const near = (inList ? ['ImageStream'] : [...DECLARATION_KINDS]).find(
    (k) => distance(s, k) <= 2 && s !== k,
  );
  return `unknown kind ${JSON.stringify(s)}: expected ${expected}${near ? ` (did you mean ${near}?)` : ''}`;
}

const EXTENSION_HINT = 'put your own data in annotations prefixed "imagestreams.dev/"';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse and schema-check the declarations in one file's bytes (or text). Never throws. */
export function parseDeclarations(
  file: string,
  content: Uint8Array | string,
  opts: { defaultNamespace: string },
): ParsedDeclarations {
  const diagnostics: Diagnostic[] = [];
  const streams: LoadedStream[] = [];
  let tags = 0;
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    const decoded = decodeText(file, content);
    if ('diagnostic' in decoded) return { streams, diagnostics: [decoded.diagnostic], tags };
    text = decoded.text;
  }
  // Positions come from the YAML parser; JSON files only pay for it when a position is asked for.
  let parsedSource: SourceFile | undefined;
  const source = (): SourceFile => {
    parsedSource ??= parseSource(file, text);
    return parsedSource;
  };
  let handles: { value: unknown; doc: () => Document.Parsed | undefined }[];
  const json = tryParseJson(text);
  const fast = json ? (firstDuplicateJsonKey(text) < 0 ? json : undefined) : tryParseSimpleYaml(text);
  if (fast) {
    handles = [{ value: fast.value, doc: () => source().docs[0]?.doc }];
  } else {
    const src = source();
    diagnostics.push(...src.diagnostics);
    handles = src.docs.map((d) => ({ value: d.value, doc: () => d.doc }));
  }
  const validateStream = validator('imagestream', 'imageStream');
  const positionIn = (getDoc: () => Document.Parsed | undefined, path: ObjectPath, key = false) => {
    const doc = getDoc();
    return doc ? positionAt(source(), doc, path, key) : { line: 1, column: 1 };
  };

  const report = (
    doc: () => Document.Parsed | undefined,
    path: ObjectPath,
    code: string,
    message: string,
    key = false,
  ) => {
    diagnostics.push({ file, ...positionIn(doc, path, key), code, message, severity: 'error' });
  };

  const addStream = (
    doc: () => Document.Parsed | undefined,
    value: Record<string, unknown>,
    base: (string | number)[],
  ) => {
    if (!validateStream(value)) {
      for (const pr of schemaProblems(validateStream.errors, base, EXTENSION_HINT))
        report(doc, pr.path, 'SCHEMA', pr.message, pr.atKey);
      return;
    }
    const object = value as unknown as ImageStream;
    const position = (path: ObjectPath, key = false) => positionIn(doc, [...base, ...path], key);
    const tagList = object.spec?.tags ?? [];
    tags += tagList.length;
    streams.push({
      file,
      namespace: object.metadata.namespace || opts.defaultNamespace,
      name: object.metadata.name,
      object,
      position,
      tagPosition: (tagName: string) => {
        const i = tagList.findIndex((t) => t.name === tagName);
        const p = position(i >= 0 ? ['spec', 'tags', i, 'name'] : []);
        return { line: p.line, column: p.column };
      },
    });
  };

  for (const { doc, value } of handles) {
    if (value === undefined || value === null) continue;
    if (!isRecord(value)) {
      report(
        doc,
        [],
        'UNKNOWN_KIND',
        `expected an ImageStream (a mapping with "kind: ImageStream"), not ${Array.isArray(value) ? 'a list' : 'a scalar'}`,
      );
      continue;
    }
    const kind = value.kind;
    if (kind === 'ImageStream') addStream(doc, value, []);
    else if (kind === 'ImageStreamList' || kind === 'List') {
      if (!Array.isArray(value.items)) {
        report(
          doc,
          value.items === undefined ? [] : ['items'],
          'SCHEMA',
          `a ${kind} needs "items": a list of ImageStream objects`,
        );
        continue;
      }
      const listProblems = schemaProblems(
        validator('imagestream', 'list')({ ...value, items: [] })
          ? []
          : validator('imagestream', 'list').errors,
      );
      for (const pr of listProblems) report(doc, pr.path, 'SCHEMA', pr.message, pr.atKey);
      value.items.forEach((item: unknown, i: number) => {
        if (!isRecord(item)) {
          report(doc, ['items', i], 'SCHEMA', `items[${i}] must be an ImageStream mapping`);
        } else if (item.kind !== 'ImageStream') {
          report(
            doc,
            ['items', i, ...(item.kind === undefined ? [] : ['kind'])],
            'UNKNOWN_KIND',
            kindMessage(item.kind, true),
          );
        } else addStream(doc, item, ['items', i]);
      });
    } else {
      report(doc, kind === undefined ? [] : ['kind'], 'UNKNOWN_KIND', kindMessage(kind, false));
    }
  }
  return { streams, diagnostics, tags };
}
