// Semantic checks beyond the schema (pure): duplicate tags, references, follow graph, pins, registry allowlist.

import { type Config, registryAllowed } from '../config/config.js';
import { compareDiagnostics, type Diagnostic } from '../model/diagnostic.js';
import { MAX_NAMESPACE_BYTES, MAX_STREAM_NAME_BYTES, utf8Length } from '../model/limits.js';
import { tryParseReference } from '../model/reference.js';
import {
  type LoadedStream,
  type ObjectPath,
  streamTags,
  type TagFrom,
  type TagReference,
} from '../model/stream.js';
import { followChain, indexStreams, type StreamIndex } from './follow-chain.js';
import { followTarget, imageTarget, tagKey } from './tag-spec.js';
import { validateExtensions } from './validate-extensions.js';
import { type At, validateOpenShiftObject } from './validate-openshift.js';

export { type FollowChain, followChain, indexStreams, type StreamIndex } from './follow-chain.js';

const STREAM_IMAGE_RE = /^([a-z0-9][a-z0-9._-]*)@sha256:([0-9a-f]{1,64})$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const STREAM_RE = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;

function label(key: string, multiNamespace: boolean): string {
  return multiNamespace ? key : key.slice(key.indexOf('/') + 1);
}

/** What the per-tag rules look things up in, and where they report. */
interface Checks {
  at: At;
  index: StreamIndex;
  multiNs: boolean;
  config: Pick<Config, 'allowedRegistries'>;
  /** Cycles already reported (by their sorted keys), so a cycle is reported once. */
  cycleReported: Set<string>;
}

/** Check loaded (schema-valid) streams against each other and the config; returns diagnostics, sorted. */
export function validateStreams(
  streams: readonly LoadedStream[],
  config: Pick<Config, 'allowedRegistries'>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at: At = (s, path, code, message, severity = 'error', key = false) =>
    out.push({ file: s.file, ...s.position(path, key), code, message, severity });
  for (const s of streams) checkNameLengths(s, at);
  checkDuplicateStreams(streams, at);
  const c: Checks = {
    at,
    index: indexStreams(streams),
    multiNs: new Set(streams.map((s) => s.namespace)).size > 1,
    config,
    cycleReported: new Set(),
  };
  for (const s of streams) {
    validateOpenShiftObject(s, at);
    validateExtensions(s, at);
    const firstIndex = new Map<string, number>();
    streamTags(s.object).forEach((t, i) => {
      const base = ['spec', 'tags', i] as const;
      checkTagName(s, t, i, firstIndex, at);
      checkScheduled(s, t, base, at);
      if (!t.from) return;
      const namePath = [...base, 'from', 'name'];
      if (t.from.kind === 'DockerImage') checkDockerImage(c, s, t.from, namePath);
      else if (t.from.kind === 'ImageStreamTag') checkStreamTag(c, s, t, t.from, namePath);
      else if (t.from.kind === 'ImageStreamImage') checkStreamImage(c, s, t, t.from, namePath);
    });
  }
  return out.sort(compareDiagnostics);
}

/** The lock file and its temporary file must fit the 255-byte file name limit (see model/limits.ts). */
function checkNameLengths(s: LoadedStream, at: At): void {
  const nameBytes = utf8Length(s.name);
  if (nameBytes > MAX_STREAM_NAME_BYTES) {
    at(
      s,
      ['metadata', 'name'],
      'NAME_TOO_LONG',
      `stream name is ${nameBytes} characters; at most ${MAX_STREAM_NAME_BYTES} fit in its lock file name ` +
        `("<name>.json", written through ".<name>.json.<12 hex>.tmp", within the 255-byte file name limit): shorten it`,
    );
  }
  if (utf8Length(s.namespace) > MAX_NAMESPACE_BYTES) {
    at(
      s,
      ['metadata', 'namespace'],
      'NAME_TOO_LONG',
      `namespace is ${utf8Length(s.namespace)} bytes; at most ${MAX_NAMESPACE_BYTES} fit in a folder name: shorten it`,
    );
  }
}

/** A `namespace/name` declared more than once: a warning at the second declaration. */
function checkDuplicateStreams(streams: readonly LoadedStream[], at: At): void {
  const byKey = new Map<string, LoadedStream[]>();
  for (const s of streams) {
    const k = `${s.namespace}/${s.name}`;
    const list = byKey.get(k);
    if (list) list.push(s);
    else byKey.set(k, [s]);
  }
  for (const [k, list] of byKey) {
    if (list.length < 2) continue;
    const others = list.slice(1).map((x) => x.file);
    at(
      list[1]!,
      ['metadata', 'name'],
      'DUPLICATE_STREAM',
      `stream ${k} is declared ${list.length} times (first in ${list[0]!.file}; also in ${others.slice(0, 3).join(', ')}${
        others.length > 3 ? `, and ${others.length - 3} more` : ''
      }): they would share one lock and the first wins; rename them or set metadata.namespace`,
      'warning',
    );
  }
}

/** A tag name declared twice in a stream, or not a valid tag name. */
function checkTagName(
  s: LoadedStream,
  t: TagReference,
  i: number,
  firstIndex: Map<string, number>,
  at: At,
): void {
  const namePath = ['spec', 'tags', i, 'name'];
  const prev = firstIndex.get(t.name);
  if (prev !== undefined) {
    const p = s.position(['spec', 'tags', prev, 'name']);
    at(
      s,
      namePath,
      'DUPLICATE_TAG',
      `tag "${t.name}" is declared twice in stream ${s.name} (first at line ${p.line}): remove or rename one`,
    );
  } else firstIndex.set(t.name, i);
  if (!TAG_RE.test(t.name)) {
    at(
      s,
      namePath,
      'INVALID_TAG_NAME',
      `tag name ${JSON.stringify(t.name)} is invalid: use letters, digits, "_", "." and "-", at most 128 characters, not starting with "." or "-"`,
    );
  }
}

/** `importPolicy.scheduled` on a tag whose source is not a DockerImage. */
function checkScheduled(s: LoadedStream, t: TagReference, base: ObjectPath, at: At): void {
  const from = t.from;
  if (t.importPolicy?.scheduled && from && from.kind !== 'DockerImage') {
    at(
      s,
      [...base, 'importPolicy', 'scheduled'],
      'SCHEDULED_NOT_DOCKER',
      `importPolicy.scheduled only applies to from.kind DockerImage (this tag's source is an ${from.kind}): remove it, or schedule the tag it follows`,
    );
  }
}

/** A DockerImage source: a valid reference to an allowed registry. */
function checkDockerImage(c: Checks, s: LoadedStream, from: TagFrom, namePath: ObjectPath): void {
  const r = tryParseReference(from.name);
  if ('error' in r) {
    c.at(s, namePath, 'INVALID_REFERENCE', r.error.message);
  } else if (!registryAllowed(c.config, r.ref.domain)) {
    c.at(
      s,
      namePath,
      'REGISTRY_NOT_ALLOWED',
      `registry "${r.ref.domain}" is not in allowedRegistries (${(c.config.allowedRegistries ?? []).join(', ') || 'empty'}): add it to .imagestreams.yaml or import from an allowed registry`,
    );
  }
}

/** An ImageStreamTag source: well formed, not in a cycle, and leading to a declared tag. */
function checkStreamTag(
  c: Checks,
  s: LoadedStream,
  t: TagReference,
  from: TagFrom,
  namePath: ObjectPath,
): void {
  const target = followTarget(s.namespace, s.name, from);
  if (!target || !TAG_RE.test(target.tag) || !STREAM_RE.test(target.stream)) {
    c.at(
      s,
      namePath,
      'INVALID_TAG_REFERENCE',
      `ImageStreamTag name ${JSON.stringify(from.name)} is invalid: write "tag" (same stream) or "stream:tag", e.g. "python:3.12"`,
    );
    return;
  }
  const fc = followChain(c.index, s.namespace, s.name, t.name, s);
  if (fc.cycle) {
    const loopStart = fc.chain.indexOf(fc.chain[fc.chain.length - 1]!);
    const loop = fc.chain.slice(loopStart);
    const loopId = [...loop.slice(0, -1)].sort().join(' ');
    if (loopStart === 0 && !c.cycleReported.has(loopId)) {
      c.cycleReported.add(loopId);
      c.at(
        s,
        namePath,
        'TAG_CYCLE',
        `ImageStreamTag cycle: ${loop.map((k) => label(k, c.multiNs)).join(' -> ')}: point one of these tags at a DockerImage instead`,
      );
    }
  } else if (fc.missing && fc.chain.length === 2) {
    const m = fc.missing;
    const targetLabel = label(tagKey(m.namespace, m.stream, m.tag), c.multiNs || m.namespace !== s.namespace);
    const ts =
      m.namespace === s.namespace && m.stream === s.name ? s : c.index.get(`${m.namespace}/${m.stream}`);
    const have = ts ? streamTags(ts.object).map((x) => x.name) : [];
    c.at(
      s,
      namePath,
      'TAG_NOT_FOUND',
      m.streamExists
        ? `tag "${t.name}" follows ${targetLabel}, which does not exist: stream ${m.stream} has tags ${have.join(', ') || '(none)'}`
        : `tag "${t.name}" follows ${targetLabel}, but no stream "${m.stream}" is declared in namespace "${m.namespace}"`,
    );
  }
}

/** An ImageStreamImage source: well formed, pinning an image of a declared stream. */
function checkStreamImage(
  c: Checks,
  s: LoadedStream,
  t: TagReference,
  from: TagFrom,
  namePath: ObjectPath,
): void {
  const m = STREAM_IMAGE_RE.exec(from.name);
  if (!m) {
    c.at(
      s,
      namePath,
      'INVALID_STREAM_IMAGE',
      `ImageStreamImage name ${JSON.stringify(from.name)} is invalid: write "stream@sha256:<hex digest or unambiguous prefix>", e.g. "python@sha256:4f1c2a"`,
    );
    return;
  }
  const target = imageTarget(s.namespace, from)!;
  if (!c.index.has(`${target.namespace}/${target.stream}`)) {
    c.at(
      s,
      namePath,
      'STREAM_NOT_FOUND',
      `tag "${t.name}" pins an image of stream "${target.stream}", which is not declared in namespace "${target.namespace}"`,
    );
  }
}
