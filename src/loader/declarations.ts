// One declaration file → ImageStream objects (ImageStream, ImageStreamList, List; multi-document), schema-checked.

import type { Document } from 'yaml';
import type { Diagnostic } from '../model/diagnostic.js';
import { DECLARATION_KINDS, type ImageStream, type LoadedStream, type ObjectPath } from '../model/stream.js';
import { editDistance } from '../policy/stream-selection.js';
import { firstDuplicateJsonKey, tryParseJson } from './json-fast.js';
import { schemaProblems, validator } from './schemas.js';
import { decodeText, parseSource, positionAt, type SourceFile } from './source.js';
import { tryParseSimpleYaml } from './yaml-fast.js';

/** What one file yielded. */
export interface ParsedDeclarations {
  streams: LoadedStream[];
  /**
   * Streams with schema errors, reduced to the parts that passed (the tags without errors): never reconciled, but
   * checked for semantic errors too, so one pass reports every problem of every node that parsed.
   */
  partial: LoadedStream[];
  diagnostics: Diagnostic[];
  /** Number of tags in the schema-valid streams. */
  tags: number;
}

/** Edit distance ignoring case (kinds are matched case-insensitively for "did you mean"). */
function distance(a: string, b: string): number {
  return editDistance(a.toLowerCase(), b.toLowerCase());
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
  const partial: LoadedStream[] = [];
  let tags = 0;
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    const decoded = decodeText(file, content);
    if ('diagnostic' in decoded) return { streams, partial, diagnostics: [decoded.diagnostic], tags };
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
    code: Diagnostic['code'],
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
      const errors = validateStream.errors ?? [];
      for (const pr of schemaProblems(errors, base, EXTENSION_HINT))
        report(doc, pr.path, 'SCHEMA', pr.message, pr.atKey);
      const reduced = passingPart(
        value,
        errors.map((e) => e.instancePath),
      );
      if (reduced && validateStream(reduced.object)) {
        partial.push(loaded(doc, reduced.object as unknown as ImageStream, base, reduced.tagIndex));
      }
      return;
    }
    const object = value as unknown as ImageStream;
    tags += (object.spec?.tags ?? []).length;
    streams.push(loaded(doc, object, base));
  };

  const loaded = (
    doc: () => Document.Parsed | undefined,
    object: ImageStream,
    base: (string | number)[],
    /** For a reduced stream: the index each kept tag had in the file. */
    tagIndex?: number[],
  ): LoadedStream => {
    const position = (path: ObjectPath, key = false) => {
      const p =
        tagIndex && path[0] === 'spec' && path[1] === 'tags' && typeof path[2] === 'number'
          ? ['spec', 'tags', tagIndex[path[2]] ?? path[2], ...path.slice(3)]
          : path;
      return positionIn(doc, [...base, ...p], key);
    };
    const tagList = object.spec?.tags ?? [];
    return {
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
    };
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
  return { streams, partial, diagnostics, tags };
}

/**
 * The part of a schema-invalid ImageStream that can still be checked: its identity and the tags without schema
 * errors (with their original indexes). None when the identity itself is broken.
 */
function passingPart(
  value: Record<string, unknown>,
  errorPaths: readonly string[],
): { object: Record<string, unknown>; tagIndex: number[] } | undefined {
  const badTags = new Set<number>();
  for (const p of errorPaths) {
    const m = /^\/spec\/tags\/(\d+)(?:\/|$)/.exec(p);
    if (m) badTags.add(Number(m[1]));
    else if (/^\/metadata(?:\/(?:name|namespace)(?:\/|$)|$)|^$|^\/kind/.test(p)) return undefined;
  }
  const metadata = value.metadata as Record<string, unknown>;
  const spec = isRecord(value.spec) ? value.spec : {};
  const allTags = Array.isArray(spec.tags) ? spec.tags : [];
  const tagIndex: number[] = [];
  const tags: unknown[] = [];
  allTags.forEach((t, i) => {
    if (!badTags.has(i)) {
      tags.push(t);
      tagIndex.push(i);
    }
  });
  const reducedSpec: Record<string, unknown> = { tags };
  if (typeof spec.dockerImageRepository === 'string')
    reducedSpec.dockerImageRepository = spec.dockerImageRepository;
  const reducedMeta: Record<string, unknown> = { name: metadata.name };
  if (metadata.namespace !== undefined) reducedMeta.namespace = metadata.namespace;
  if (isRecord(metadata.annotations)) reducedMeta.annotations = metadata.annotations;
  return { object: { kind: 'ImageStream', metadata: reducedMeta, spec: reducedSpec }, tagIndex };
}
