// One declaration file → ImageStream objects (ImageStream, ImageStreamList, List; multi-document), schema-checked.

import type { Document } from 'yaml';
import type { Diagnostic } from '../model/diagnostic.js';
import { DECLARATION_KINDS, type ImageStream, type LoadedStream, type ObjectPath } from '../model/stream.js';
import { editDistance } from '../policy/stream-selection.js';
import { firstDuplicateJsonKey, tryParseJson } from './json-fast.js';
import { schemaProblems, type ValidateFunction, validator } from './schemas.js';
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
  const out: ParsedDeclarations = { streams: [], partial: [], diagnostics: [], tags: 0 };
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    const decoded = decodeText(file, content);
    if ('diagnostic' in decoded) return { ...out, diagnostics: [decoded.diagnostic] };
    text = decoded.text;
  }
  // Positions come from the YAML parser; JSON files only pay for it when a position is asked for.
  let parsedSource: SourceFile | undefined;
  const ctx: Context = {
    file,
    defaultNamespace: opts.defaultNamespace,
    out,
    source: () => {
      parsedSource ??= parseSource(file, text);
      return parsedSource;
    },
    validateStream: validator('imagestream', 'imageStream'),
  };
  for (const { doc, value } of documents(ctx, text)) addDocument(ctx, doc, value);
  return out;
}

/** A parsed document's YAML tree, built on demand (only for positions, in the fast paths). */
type DocOf = () => Document.Parsed | undefined;

/** One file's parse: where it is, what it yielded so far, its source (parsed lazily). */
interface Context {
  file: string;
  defaultNamespace: string;
  out: ParsedDeclarations;
  source: () => SourceFile;
  validateStream: ValidateFunction;
}

/** The file's documents: one from the JSON or simple-YAML fast path, else every document of the full parse. */
function documents(ctx: Context, text: string): { value: unknown; doc: DocOf }[] {
  const json = tryParseJson(text);
  const fast = json ? (firstDuplicateJsonKey(text) < 0 ? json : undefined) : tryParseSimpleYaml(text);
  if (fast) return [{ value: fast.value, doc: () => ctx.source().docs[0]?.doc }];
  const src = ctx.source();
  ctx.out.diagnostics.push(...src.diagnostics);
  return src.docs.map((d) => ({ value: d.value, doc: () => d.doc }));
}

function positionIn(ctx: Context, getDoc: DocOf, path: ObjectPath, key = false) {
  const doc = getDoc();
  return doc ? positionAt(ctx.source(), doc, path, key) : { line: 1, column: 1 };
}

function report(
  ctx: Context,
  doc: DocOf,
  path: ObjectPath,
  code: Diagnostic['code'],
  message: string,
  key = false,
): void {
  ctx.out.diagnostics.push({
    file: ctx.file,
    ...positionIn(ctx, doc, path, key),
    code,
    message,
    severity: 'error',
  });
}

/** One document: an ImageStream, a list of them, or an error naming what it is instead. */
function addDocument(ctx: Context, doc: DocOf, value: unknown): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) {
    report(
      ctx,
      doc,
      [],
      'UNKNOWN_KIND',
      `expected an ImageStream (a mapping with "kind: ImageStream"), not ${Array.isArray(value) ? 'a list' : 'a scalar'}`,
    );
    return;
  }
  const kind = value.kind;
  if (kind === 'ImageStream') addStream(ctx, doc, value, []);
  else if (kind === 'ImageStreamList' || kind === 'List') addList(ctx, doc, value, kind);
  else report(ctx, doc, kind === undefined ? [] : ['kind'], 'UNKNOWN_KIND', kindMessage(kind, false));
}

function addList(ctx: Context, doc: DocOf, value: Record<string, unknown>, kind: string): void {
  if (!Array.isArray(value.items)) {
    report(
      ctx,
      doc,
      value.items === undefined ? [] : ['items'],
      'SCHEMA',
      `a ${kind} needs "items": a list of ImageStream objects`,
    );
    return;
  }
  const listProblems = schemaProblems(
    validator('imagestream', 'list')({ ...value, items: [] }) ? [] : validator('imagestream', 'list').errors,
  );
  for (const pr of listProblems) report(ctx, doc, pr.path, 'SCHEMA', pr.message, pr.atKey);
  value.items.forEach((item: unknown, i: number) => {
    if (!isRecord(item)) {
      report(ctx, doc, ['items', i], 'SCHEMA', `items[${i}] must be an ImageStream mapping`);
    } else if (item.kind !== 'ImageStream') {
      report(
        ctx,
        doc,
        ['items', i, ...(item.kind === undefined ? [] : ['kind'])],
        'UNKNOWN_KIND',
        kindMessage(item.kind, true),
      );
    } else addStream(ctx, doc, item, ['items', i]);
  });
}

/** A schema-valid stream joins `streams`; an invalid one is reported and its passing part joins `partial`. */
function addStream(
  ctx: Context,
  doc: DocOf,
  value: Record<string, unknown>,
  base: (string | number)[],
): void {
  const { validateStream, out } = ctx;
  if (!validateStream(value)) {
    const errors = validateStream.errors ?? [];
    for (const pr of schemaProblems(errors, base, EXTENSION_HINT))
      report(ctx, doc, pr.path, 'SCHEMA', pr.message, pr.atKey);
    const reduced = passingPart(
      value,
      errors.map((e) => e.instancePath),
    );
    if (reduced && validateStream(reduced.object)) {
      out.partial.push(loaded(ctx, doc, reduced.object as unknown as ImageStream, base, reduced.tagIndex));
    }
    return;
  }
  const object = value as unknown as ImageStream;
  out.tags += (object.spec?.tags ?? []).length;
  out.streams.push(loaded(ctx, doc, object, base));
}

function loaded(
  ctx: Context,
  doc: DocOf,
  object: ImageStream,
  base: (string | number)[],
  /** For a reduced stream: the index each kept tag had in the file. */
  tagIndex?: number[],
): LoadedStream {
  const position = (path: ObjectPath, key = false) => {
    const p =
      tagIndex && path[0] === 'spec' && path[1] === 'tags' && typeof path[2] === 'number'
        ? ['spec', 'tags', tagIndex[path[2]] ?? path[2], ...path.slice(3)]
        : path;
    return positionIn(ctx, doc, [...base, ...p], key);
  };
  const tagList = object.spec?.tags ?? [];
  return {
    file: ctx.file,
    namespace: object.metadata.namespace || ctx.defaultNamespace,
    name: object.metadata.name,
    object,
    position,
    tagPosition: (tagName: string) => {
      const i = tagList.findIndex((t) => t.name === tagName);
      const p = position(i >= 0 ? ['spec', 'tags', i, 'name'] : []);
      return { line: p.line, column: p.column };
    },
  };
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
