// Semantic checks beyond the schema (pure): duplicate tags, references, follow graph, pins, registry allowlist.

import { type Config, registryAllowed } from '../config/config.js';
import { compareDiagnostics, type Diagnostic } from '../model/diagnostic.js';
import { MAX_NAMESPACE_BYTES, MAX_STREAM_NAME_BYTES, utf8Length } from '../model/limits.js';
import { tryParseReference } from '../model/reference.js';
import { type LoadedStream, type ObjectPath, streamTags } from '../model/stream.js';
import { followTarget, imageTarget, tagKey } from './tag-spec.js';
import { validateExtensions } from './validate-extensions.js';
import { validateOpenShiftObject } from './validate-openshift.js';

/** Streams by `namespace/name` (the first declaration wins when a name is declared twice). */
export type StreamIndex = ReadonlyMap<string, LoadedStream>;

/** Index streams by `namespace/name`, for cross-stream lookups. */
export function indexStreams(streams: readonly LoadedStream[]): StreamIndex {
  const index = new Map<string, LoadedStream>();
  for (const s of streams) {
    const k = `${s.namespace}/${s.name}`;
    if (!index.has(k)) index.set(k, s);
  }
  return index;
}

/** Where following ImageStreamTags from a tag leads. */
export interface FollowChain {
  /** Keys `ns/stream:tag`, starting with the tag itself. */
  chain: string[];
  /** The last key does not exist (dangling). */
  missing?: { namespace: string; stream: string; tag: string; streamExists: boolean };
  /** The chain comes back to a key already in it (chain ends with the repeated key). */
  cycle: boolean;
  /** The name is not `tag` or `stream:tag`. */
  malformed?: boolean;
}

/** Follow ImageStreamTag `from`s from one tag until a non-follower, a missing tag or a cycle. */
export function followChain(
  index: StreamIndex,
  namespace: string,
  stream: string,
  tag: string,
  /** The declaration the chain starts in (it wins over the index when a stream name is declared twice). */
  start?: LoadedStream,
): FollowChain {
  const chain: string[] = [];
  const seen = new Set<string>();
  let cur = { namespace, stream, tag };
  for (;;) {
    const key = tagKey(cur.namespace, cur.stream, cur.tag);
    if (seen.has(key)) return { chain: [...chain, key], cycle: true };
    seen.add(key);
    chain.push(key);
    const s =
      start && start.namespace === cur.namespace && start.name === cur.stream
        ? start
        : index.get(`${cur.namespace}/${cur.stream}`);
    const t = s ? streamTags(s.object).find((x) => x.name === cur.tag) : undefined;
    if (!s || !t) return { chain, cycle: false, missing: { ...cur, streamExists: Boolean(s) } };
    if (t.from?.kind !== 'ImageStreamTag') return { chain, cycle: false };
    const next = followTarget(cur.namespace, cur.stream, t.from);
    if (!next) return { chain, cycle: false, malformed: true };
    cur = next;
  }
}

const STREAM_IMAGE_RE = /^([a-z0-9][a-z0-9._-]*)@sha256:([0-9a-f]{1,64})$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const STREAM_RE = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;

function label(key: string, multiNamespace: boolean): string {
  return multiNamespace ? key : key.slice(key.indexOf('/') + 1);
}

/** Check loaded (schema-valid) streams against each other and the config; returns diagnostics, sorted. */
export function validateStreams(
  streams: readonly LoadedStream[],
  config: Pick<Config, 'allowedRegistries'>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const index = indexStreams(streams);
  const multiNs = new Set(streams.map((s) => s.namespace)).size > 1;
  const at = (
    s: LoadedStream,
    path: ObjectPath,
    code: Diagnostic['code'],
    message: string,
    severity: Diagnostic['severity'] = 'error',
    key = false,
  ) => out.push({ file: s.file, ...s.position(path, key), code, message, severity });

  const byKey = new Map<string, LoadedStream[]>();
  for (const s of streams) {
    // The lock file and its temporary file must fit the 255-byte file name limit (see model/limits.ts).
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

  const cycleReported = new Set<string>();
  for (const s of streams) {
    validateOpenShiftObject(s, at);
    validateExtensions(s, at);
    const tags = streamTags(s.object);
    const firstIndex = new Map<string, number>();
    tags.forEach((t, i) => {
      const base = ['spec', 'tags', i] as const;
      const prev = firstIndex.get(t.name);
      if (prev !== undefined) {
        const p = s.position(['spec', 'tags', prev, 'name']);
        at(
          s,
          [...base, 'name'],
          'DUPLICATE_TAG',
          `tag "${t.name}" is declared twice in stream ${s.name} (first at line ${p.line}): remove or rename one`,
        );
      } else firstIndex.set(t.name, i);
      if (!TAG_RE.test(t.name)) {
        at(
          s,
          [...base, 'name'],
          'INVALID_TAG_NAME',
          `tag name ${JSON.stringify(t.name)} is invalid: use letters, digits, "_", "." and "-", at most 128 characters, not starting with "." or "-"`,
        );
      }
      const from = t.from;
      if (t.importPolicy?.scheduled && from && from.kind !== 'DockerImage') {
        at(
          s,
          [...base, 'importPolicy', 'scheduled'],
          'SCHEDULED_NOT_DOCKER',
          `importPolicy.scheduled only applies to from.kind DockerImage (this tag's source is an ${from.kind}): remove it, or schedule the tag it follows`,
        );
      }
      if (!from) return;
      const namePath = [...base, 'from', 'name'];
      switch (from.kind) {
        case 'DockerImage': {
          const r = tryParseReference(from.name);
          if ('error' in r) {
            at(s, namePath, 'INVALID_REFERENCE', r.error.message);
          } else if (!registryAllowed(config, r.ref.domain)) {
            at(
              s,
              namePath,
              'REGISTRY_NOT_ALLOWED',
              `registry "${r.ref.domain}" is not in allowedRegistries (${(config.allowedRegistries ?? []).join(', ') || 'empty'}): add it to .imagestreams.yaml or import from an allowed registry`,
            );
          }
          break;
        }
        case 'ImageStreamTag': {
          const target = followTarget(s.namespace, s.name, from);
          if (!target || !TAG_RE.test(target.tag) || !STREAM_RE.test(target.stream)) {
            at(
              s,
              namePath,
              'INVALID_TAG_REFERENCE',
              `ImageStreamTag name ${JSON.stringify(from.name)} is invalid: write "tag" (same stream) or "stream:tag", e.g. "python:3.12"`,
            );
            break;
          }
          const fc = followChain(index, s.namespace, s.name, t.name, s);
          if (fc.cycle) {
            const loopStart = fc.chain.indexOf(fc.chain[fc.chain.length - 1]!);
            const loop = fc.chain.slice(loopStart);
            const loopId = [...loop.slice(0, -1)].sort().join(' ');
            if (loopStart === 0 && !cycleReported.has(loopId)) {
              cycleReported.add(loopId);
              at(
                s,
                namePath,
                'TAG_CYCLE',
                `ImageStreamTag cycle: ${loop.map((k) => label(k, multiNs)).join(' -> ')}: point one of these tags at a DockerImage instead`,
              );
            }
          } else if (fc.missing && fc.chain.length === 2) {
            const m = fc.missing;
            const targetLabel = label(
              tagKey(m.namespace, m.stream, m.tag),
              multiNs || m.namespace !== s.namespace,
            );
            const ts =
              m.namespace === s.namespace && m.stream === s.name
                ? s
                : index.get(`${m.namespace}/${m.stream}`);
            const have = ts ? streamTags(ts.object).map((x) => x.name) : [];
            at(
              s,
              namePath,
              'TAG_NOT_FOUND',
              m.streamExists
                ? `tag "${t.name}" follows ${targetLabel}, which does not exist: stream ${m.stream} has tags ${have.join(', ') || '(none)'}`
                : `tag "${t.name}" follows ${targetLabel}, but no stream "${m.stream}" is declared in namespace "${m.namespace}"`,
            );
          }
          break;
        }
        case 'ImageStreamImage': {
          const m = STREAM_IMAGE_RE.exec(from.name);
          if (!m) {
            at(
              s,
              namePath,
              'INVALID_STREAM_IMAGE',
              `ImageStreamImage name ${JSON.stringify(from.name)} is invalid: write "stream@sha256:<hex digest or unambiguous prefix>", e.g. "python@sha256:4f1c2a"`,
            );
            break;
          }
          const target = imageTarget(s.namespace, from)!;
          if (!index.has(`${target.namespace}/${target.stream}`)) {
            at(
              s,
              namePath,
              'STREAM_NOT_FOUND',
              `tag "${t.name}" pins an image of stream "${target.stream}", which is not declared in namespace "${target.namespace}"`,
            );
          }
          break;
        }
      }
    });
  }
  return out.sort(compareDiagnostics);
}
