// `oc tag` rules, as pure decisions: what a `tag` command line does to which stream tags.

import { ImagestreamsError } from '../model/errors.js';
import { parseReference } from '../model/reference.js';
import { parseStreamTag, type StreamTagName } from '../model/stream-tag.js';

/** Kinds a tag source can have (`--source` accepts oc's names and short forms). */
export type SourceKind = 'DockerImage' | 'ImageStreamTag' | 'ImageStreamImage';

const SOURCE_NAMES: Record<string, SourceKind> = {
  docker: 'DockerImage',
  dockerimage: 'DockerImage',
  imagestreamtag: 'ImageStreamTag',
  istag: 'ImageStreamTag',
  imagestreamimage: 'ImageStreamImage',
  isimage: 'ImageStreamImage',
};

/** Options of `imagestreams tag`, as parsed from the command line. */
export interface TagCommandOptions {
  source?: string;
  alias?: boolean;
  scheduled?: boolean;
  insecure?: boolean;
  reference?: boolean;
  referencePolicy?: string;
  importMode?: string;
  delete?: boolean;
  /** The namespace commands work in (the config's): an alias must stay in it and in one stream, as in oc. */
  currentNamespace?: string;
}

/** What the command does to one destination tag. */
export type TagAction =
  | { action: 'delete'; dest: StreamTagName }
  | {
      action: 'set';
      dest: StreamTagName;
      /** The tag spec fields to merge in (from, importPolicy, referencePolicy, reference). */
      spec: Record<string, unknown>;
      /** For an ImageStreamTag source copied without --alias: the digest must be looked up from the lock. */
      copyFrom?: StreamTagName;
    };

const usage = (message: string, data: Record<string, unknown> = {}) =>
  new ImagestreamsError('USAGE', message, { data, permanent: true });

/**
 * Parse `[namespace/]stream[:tag]`. A destination without a tag (or with an empty one) is `:latest`, as
 * `app:` is in oc; `anyTag` accepts a tag of any spelling (for deleting tags whose names are invalid).
 */
export function parseStreamTagArg(
  input: string,
  what = 'destination',
  o: { defaultTag?: boolean; anyTag?: boolean } = {},
): StreamTagName {
  const r = parseStreamTag(input, { tag: o.anyTag ? 'any' : o.defaultTag ? 'latest' : 'required' });
  if ('error' in r) {
    throw usage(
      `${what} "${input}" is not [namespace/]stream:tag: ${r.error.message} (for example python:3.12 or team/python:3.12)`,
      { input },
    );
  }
  return r.ref;
}

/**
 * Infer the kind of a source as oc does: a registry host means DockerImage, `@` an ImageStreamImage, a tag an
 * ImageStreamTag, and a bare name (`mysql`) a DockerImage.
 */
export function inferSourceKind(source: string): SourceKind {
  if (hasRegistry(source)) return 'DockerImage';
  if (source.includes('@')) return 'ImageStreamImage';
  const last = source.slice(source.lastIndexOf('/') + 1);
  if (last.includes(':')) return 'ImageStreamTag';
  return 'DockerImage';
}

/** True when the first component of a multi-component name is a registry host (has ".", ":" or is localhost). */
function hasRegistry(source: string): boolean {
  const slash = source.indexOf('/');
  if (slash < 0) return false;
  const first = source.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

/** Decide the actions of `imagestreams tag SOURCE DEST…` (or `--delete DEST…`), with oc's checks. */
export function planTag(source: string | undefined, dests: string[], o: TagCommandOptions): TagAction[] {
  if (o.delete) return planDelete(source, dests, o);
  if (source === undefined || dests.length === 0) {
    throw usage(
      'give a SOURCE and at least one DEST, e.g. `imagestreams tag quay.io/org/app:1.2 app:stable`',
    );
  }
  const kind = o.source ? declaredKind(source, o.source) : inferSourceKind(source);
  const refPolicy = checkOptions(kind, o);
  const parsedDests = dests.map((d) => parseStreamTagArg(d, 'destination', { defaultTag: true }));
  const extra = extraSpec(o, refPolicy);
  if (o.alias) checkAlias(source, kind, parsedDests, o.currentNamespace);
  return setActions(source, kind, parsedDests, extra, o.alias ?? false);
}

/** `--delete`: as oc, every argument is a destination, and nothing about a source or an import may come with it. */
function planDelete(source: string | undefined, dests: string[], o: TagCommandOptions): TagAction[] {
  const conflicts = [
    o.alias && '--alias',
    o.source && '--source',
    o.scheduled && '--scheduled',
    o.insecure && '--insecure',
    o.importMode && '--import-mode',
    o.referencePolicy && '--reference-policy',
    o.reference && '--reference',
  ].filter(Boolean);
  if (conflicts.length) throw usage(`--delete cannot be combined with ${conflicts.join(', ')}`);
  const targets = source !== undefined ? [source, ...dests] : dests;
  if (targets.length === 0) throw usage('--delete needs at least one stream:tag');
  return targets.map((d) => ({
    action: 'delete' as const,
    dest: parseStreamTagArg(d, 'destination', { anyTag: true }),
  }));
}

/** The kind `--source` names, checked against the shape of SOURCE. */
function declaredKind(source: string, name: string): SourceKind {
  const kind = SOURCE_NAMES[name.toLowerCase()];
  if (!kind) throw usage(`--source "${name}" is not one of docker, istag, isimage`);
  if (kind !== 'DockerImage' && hasRegistry(source)) {
    throw usage(`a registry in SOURCE is only allowed with --source=docker ("${source}")`);
  }
  if (kind === 'ImageStreamTag' && !source.slice(source.lastIndexOf('/') + 1).includes(':')) {
    throw usage(`--source=istag needs SOURCE as [namespace/]stream:tag, not "${source}"`);
  }
  if (kind === 'ImageStreamImage' && !source.includes('@')) {
    throw usage(`--source=isimage needs SOURCE as [namespace/]stream@sha256:<digest>, not "${source}"`);
  }
  return kind;
}

/** Refuses options that contradict each other or the source kind; returns the reference policy, lower-cased. */
function checkOptions(kind: SourceKind, o: TagCommandOptions): string | undefined {
  if (o.alias && (o.scheduled || o.insecure)) {
    throw usage('--alias cannot be combined with --scheduled or --insecure (an alias imports nothing)');
  }
  if (o.scheduled && kind !== 'DockerImage') throw usage('--scheduled applies only to DockerImage sources');
  if (o.insecure && kind !== 'DockerImage') throw usage('--insecure applies only to DockerImage sources');
  const refPolicy = o.referencePolicy?.toLowerCase();
  if (refPolicy !== undefined && refPolicy !== 'source' && refPolicy !== 'local') {
    throw usage(`--reference-policy must be source or local, not "${o.referencePolicy}"`);
  }
  if (o.importMode !== undefined && o.importMode !== 'Legacy' && o.importMode !== 'PreserveOriginal') {
    throw usage(`--import-mode must be Legacy or PreserveOriginal, not "${o.importMode}"`);
  }
  return refPolicy;
}

/** The tag fields the options set besides `from`: import policy, reference policy, `reference`. */
function extraSpec(o: TagCommandOptions, refPolicy: string | undefined): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  const importPolicy: Record<string, unknown> = {};
  if (o.scheduled) importPolicy.scheduled = true;
  if (o.insecure) importPolicy.insecure = true;
  if (o.importMode) importPolicy.importMode = o.importMode;
  if (Object.keys(importPolicy).length) extra.importPolicy = importPolicy;
  if (refPolicy) extra.referencePolicy = { type: refPolicy === 'local' ? 'Local' : 'Source' };
  if (o.reference) extra.reference = true;
  return extra;
}

/** oc: an alias stays in the current namespace and in the stream its source names. */
function checkAlias(
  source: string,
  kind: SourceKind,
  dests: StreamTagName[],
  currentNamespace: string | undefined,
): void {
  const srcStream = sourceStreamName(source, kind);
  for (const d of dests) {
    const sameNs = d.namespace === undefined || d.namespace === currentNamespace;
    if (!sameNs || d.stream !== srcStream) {
      throw usage(
        `cannot set alias across different image streams (${source} → ${d.namespace ? `${d.namespace}/` : ''}${d.stream}:${d.tag}): an alias tracks a tag of the same stream`,
      );
    }
  }
}

/** The `set` action of each destination, its `from` built for the source's kind. */
function setActions(
  source: string,
  kind: SourceKind,
  parsedDests: StreamTagName[],
  extra: Record<string, unknown>,
  alias: boolean,
): TagAction[] {
  if (kind === 'DockerImage') {
    try {
      parseReference(source);
    } catch (e) {
      throw usage((e as Error).message, { input: source });
    }
    return parsedDests.map((dest) => ({
      action: 'set',
      dest,
      spec: { from: { kind, name: source }, ...extra },
    }));
  }
  if (kind === 'ImageStreamImage') {
    if (!/^[a-z0-9][-a-z0-9._]*@sha256:[0-9a-f]{6,64}$/.test(source.replace(/^[a-z0-9-]+\//, ''))) {
      throw usage(`source "${source}" is not [namespace/]stream@sha256:<digest or prefix>`);
    }
    const [ns, rest] = source.includes('/') ? source.split('/', 2) : [undefined, source];
    const from: Record<string, unknown> = { kind, name: rest };
    if (ns) from.namespace = ns;
    return parsedDests.map((dest) => ({ action: 'set', dest, spec: { from, ...extra } }));
  }
  const src = parseStreamTagArg(source, 'source');
  if (alias) {
    return parsedDests.map((dest) => ({
      action: 'set',
      dest,
      spec: { from: { kind, name: src.tag }, ...extra },
    }));
  }
  // Without --alias an ImageStreamTag source is copied as the image it points at now.
  return parsedDests.map((dest) => ({ action: 'set', dest, spec: { ...extra }, copyFrom: src }));
}

/** The stream name a source refers to, for oc's same-stream rule of --alias (a pull spec's last component). */
function sourceStreamName(source: string, kind: SourceKind): string {
  const noDigest = source.split('@')[0]!;
  const last = noDigest.slice(noDigest.lastIndexOf('/') + 1);
  return kind === 'ImageStreamImage' ? last : last.split(':')[0]!;
}

/** An --alias destination whose source tag is not declared: refused up front (it could never resolve). */
export function missingAliasTargets(
  actions: readonly TagAction[],
  hasTag: (namespace: string | undefined, stream: string, tag: string) => boolean,
): string[] {
  const created = new Set(
    actions
      .filter((a) => a.action === 'set')
      .map((a) => `${a.dest.namespace ?? ''}/${a.dest.stream}:${a.dest.tag}`),
  );
  const out: string[] = [];
  for (const a of actions) {
    if (a.action !== 'set') continue;
    const from = a.spec.from as { kind?: string; name?: string } | undefined;
    if (from?.kind !== 'ImageStreamTag' || !from.name) continue;
    const key = `${a.dest.namespace ?? ''}/${a.dest.stream}:${from.name}`;
    if (!hasTag(a.dest.namespace, a.dest.stream, from.name) && !created.has(key))
      out.push(`${a.dest.stream}:${from.name}`);
  }
  return out;
}
