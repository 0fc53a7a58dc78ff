// Image lookup, as OpenShift resolves it: a stream with `spec.lookupPolicy.local: true` lets workloads in its own
// namespace name one of its tags by the short name (`image: python:3.12`; `python` means `python:latest`). Such a
// container image is a consumer of that tag: reconcile pins it and verify checks it. The pin gets a marker comment
// naming the tag (`image: repo:3.12@sha256:… # imagestream: python:3.12`), so later runs keep following it after
// the short name is gone. Only YAML files: JSON has no comments to carry the marker.

import { isScalar } from 'yaml';
import type { StreamLike } from '../policy/tag-spec.js';
import { podSpecPath } from './kube.js';
import type { KubeObject } from './objects.js';
import type { Consumer, ConsumerDiagnostic, FindOptions, StreamTagRef } from './types.js';
import { getIn, getPath, seqItems, slotOf, str } from './yaml-nodes.js';

/** The short names workloads may use: namespace → short name → the stream tag it resolves to. */
export interface LocalLookup {
  names: ReadonlyMap<string, ReadonlyMap<string, StreamTagRef>>;
  /** Byte-scan needles: a file holding none of them has no short-name consumer. */
  needles: readonly string[];
}

/** The kinds OpenShift's image policy resolves short names in (their pod spec path is podSpecPath's). */
export const LOOKUP_KINDS: ReadonlySet<string> = new Set([
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'DeploymentConfig',
]);

/** The lookup of every stream (`namespace/name` → declaration) that sets `lookupPolicy.local: true`. */
export function localLookupOf(streams: ReadonlyMap<string, StreamLike>): LocalLookup {
  const names = new Map<string, Map<string, StreamTagRef>>();
  const needles = new Set<string>();
  for (const [key, s] of streams) {
    if (s.spec?.lookupPolicy?.local !== true) continue;
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const stream = key.slice(slash + 1);
    const ns = names.get(namespace) ?? new Map<string, StreamTagRef>();
    names.set(namespace, ns);
    for (const t of s.spec?.tags ?? []) {
      if (typeof t?.name !== 'string') continue;
      ns.set(`${stream}:${t.name}`, { namespace, stream, tag: t.name });
      needles.add(`${stream}:${t.name}`);
      if (t.name === 'latest') {
        ns.set(stream, { namespace, stream, tag: 'latest' });
        needles.add(stream);
      }
    }
  }
  return { names, needles: [...needles] };
}

/** True when the text may hold a short name of the lookup (substring search only). */
export function mayHoldShortName(text: string, lookup: LocalLookup | undefined): boolean {
  return lookup?.needles.some((n) => text.includes(n)) ?? false;
}

/** Short-name consumers of one workload; a value that cannot carry the marker is a warning, never rewritten. */
export function lookupConsumers(
  obj: KubeObject,
  opts: FindOptions,
): { consumers: Consumer[]; errors: ConsumerDiagnostic[] } {
  const out = { consumers: [] as Consumer[], errors: [] as ConsumerDiagnostic[] };
  const names = opts.lookup?.names.get(obj.namespace ?? opts.defaultNamespace);
  if (!names || !LOOKUP_KINDS.has(obj.kind)) return out;
  const podSpec = getPath(obj.doc, obj.node, podSpecPath(obj.kind).split('.'));
  for (const list of ['initContainers', 'containers'] as const) {
    for (const container of seqItems(obj.doc, getIn(obj.doc, podSpec, list))) {
      const node = getIn(obj.doc, container, 'image');
      const value = str(node);
      if (value === undefined || !isScalar(node)) continue;
      const ref = names.get(value);
      if (!ref) continue;
      const slot = slotOf(node);
      if (!slot) continue;
      const line = obj.lineAt(slot.start);
      const cname = str(getIn(obj.doc, container, 'name')) ?? '?';
      const target = `${obj.label} ${list === 'initContainers' ? 'initContainer' : 'container'} ${JSON.stringify(cname)}`;
      const rest = obj.source.slice(slot.end, lineEnd(obj.source, slot.end));
      if (/\.json$/i.test(obj.file) || !/^[ \t]*(?:#.*)?$/.test(rest)) {
        out.errors.push({
          code: 'LOOKUP_NOT_PINNABLE',
          file: obj.file,
          line,
          severity: 'warning',
          object: obj.label,
          message: `${obj.label}: ${target} names ${value} by its short name (image lookup), but imagestreams cannot pin it here: the pin needs a "# imagestream: ${value}" comment after the value, so write the image as a block-style YAML value on its own line`,
        });
        continue;
      }
      const marker = ref.namespace === opts.defaultNamespace ? value : `${ref.namespace}/${value}`;
      const shown = value.includes(':') ? marker : `${marker}:latest`;
      out.consumers.push({
        file: obj.file,
        line,
        kind: 'image-lookup',
        target,
        follows: ref,
        current: value,
        slot,
        alsoSet: [
          {
            slot: { start: slot.end, end: slot.end, style: 'plain' },
            value: ` # imagestream: ${shown}`,
            current: '',
          },
        ],
      });
    }
  }
  return out;
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl;
}
