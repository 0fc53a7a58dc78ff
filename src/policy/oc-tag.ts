// `oc tag` rules, as pure decisions: what a `tag` command line does to which stream tags.

import { ImagestreamsError } from '../model/errors.js';
import { type ImageRef, isValidTag, parseReference } from '../model/reference.js';
import { streamTagProblem } from '../model/stream-tag-name.js';

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
}

/** A `[namespace/]stream:tag` destination. */
export interface StreamTagName {
  namespace?: string;
  stream: string;
  tag: string;
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

/** Parse `[namespace/]stream:tag`. */
export function parseStreamTag(input: string, what = 'destination'): StreamTagName {
  const m = /^(?:([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/)?([a-z0-9][-a-z0-9.]*):([^:/@]+)$/.exec(input);
  if (!m || !isValidTag(m[4]!)) {
    throw usage(
      `${what} "${input}" is not [namespace/]stream:tag: ${streamTagProblem(input) ?? 'it does not have that form'} (for example python:3.12 or team/python:3.12)`,
      {
        input,
      },
    );
  }
  const out: StreamTagName = { stream: m[3]!, tag: m[4]! };
  if (m[1]) out.namespace = m[1];
  return out;
}

/** Infer the kind of a source as oc does: a registry host means DockerImage, `@` an image, else a stream tag. */
export function inferSourceKind(source: string): SourceKind {
  const first = source.split('/')[0] ?? '';
  const hasHost =
    source.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasHost) return 'DockerImage';
  if (source.includes('@')) return 'ImageStreamImage';
  return 'ImageStreamTag';
}

/** Decide the actions of `imagestreams tag SOURCE DEST…` (or `--delete DEST…`). */
export function planTag(source: string | undefined, dests: string[], o: TagCommandOptions): TagAction[] {
  if (o.delete) {
    const targets = source !== undefined ? [source, ...dests] : dests;
    if (targets.length === 0) throw usage('--delete needs at least one stream:tag');
    return targets.map((d) => ({ action: 'delete' as const, dest: parseStreamTag(d) }));
  }
  if (source === undefined || dests.length === 0) {
    throw usage(
      'give a SOURCE and at least one DEST, e.g. `imagestreams tag quay.io/org/app:1.2 app:stable`',
    );
  }
  let kind: SourceKind;
  if (o.source) {
    const k = SOURCE_NAMES[o.source.toLowerCase()];
    if (!k) throw usage(`--source "${o.source}" is not one of docker, istag, isimage`);
    kind = k;
  } else kind = inferSourceKind(source);
  if (o.alias && kind !== 'ImageStreamTag') {
    throw usage('--alias needs an ImageStreamTag source (stream:tag)');
  }
  if (o.alias && o.scheduled) throw usage('--alias and --scheduled cannot be used together');
  if (o.scheduled && kind !== 'DockerImage') throw usage('--scheduled applies only to DockerImage sources');
  if (o.insecure && kind !== 'DockerImage') throw usage('--insecure applies only to DockerImage sources');
  const refPolicy = o.referencePolicy?.toLowerCase();
  if (refPolicy !== undefined && refPolicy !== 'source' && refPolicy !== 'local') {
    throw usage(`--reference-policy must be source or local, not "${o.referencePolicy}"`);
  }
  if (o.importMode !== undefined && o.importMode !== 'Legacy' && o.importMode !== 'PreserveOriginal') {
    throw usage(`--import-mode must be Legacy or PreserveOriginal, not "${o.importMode}"`);
  }

  const parsedDests = dests.map((d) => parseStreamTag(d));
  const extra: Record<string, unknown> = {};
  const importPolicy: Record<string, unknown> = {};
  if (o.scheduled) importPolicy.scheduled = true;
  if (o.insecure) importPolicy.insecure = true;
  if (o.importMode) importPolicy.importMode = o.importMode;
  if (Object.keys(importPolicy).length) extra.importPolicy = importPolicy;
  if (refPolicy) extra.referencePolicy = { type: refPolicy === 'local' ? 'Local' : 'Source' };
  if (o.reference) extra.reference = true;

  if (kind === 'DockerImage') {
    let ref: ImageRef;
    try {
      ref = parseReference(source);
    } catch (e) {
      throw usage((e as Error).message, { input: source });
    }
    void ref;
    return parsedDests.map((dest) => ({
      action: 'set',
      dest,
      spec: { from: { kind, name: source }, ...extra },
    }));
  }
  if (kind === 'ImageStreamImage') {
    if (!/^[a-z0-9][-a-z0-9.]*@sha256:[0-9a-f]{6,64}$/.test(source.replace(/^[a-z0-9-]+\//, ''))) {
      throw usage(`source "${source}" is not [namespace/]stream@sha256:<digest or prefix>`);
    }
    const [ns, rest] = source.includes('/') ? source.split('/', 2) : [undefined, source];
    const from: Record<string, unknown> = { kind, name: rest };
    if (ns) from.namespace = ns;
    return parsedDests.map((dest) => ({ action: 'set', dest, spec: { from, ...extra } }));
  }
  const src = parseStreamTag(source, 'source');
  if (o.alias) {
    for (const d of parsedDests) {
      if (d.stream !== src.stream || (d.namespace ?? '') !== (src.namespace ?? '')) {
        throw usage(`cannot set alias across different image streams (${source} → ${d.stream}:${d.tag})`);
      }
    }
    return parsedDests.map((dest) => ({
      action: 'set',
      dest,
      spec: { from: { kind, name: src.tag }, ...extra },
    }));
  }
  // Without --alias an ImageStreamTag source is copied as the image it points at now.
  return parsedDests.map((dest) => ({ action: 'set', dest, spec: { ...extra }, copyFrom: src }));
}
