// The parts of an ImageStream tag spec the import rules look at, and the identities used across streams.

import { formatStreamTag, type StreamTagRef } from '../model/stream-tag.js';

/** Structural view of `spec.tags[]` (OpenShift image.openshift.io/v1), as loaded. */
export interface TagSpecLike {
  name: string;
  annotations?: Record<string, string> | null;
  from?: { kind: string; name: string; namespace?: string | null } | null;
  reference?: boolean | null;
  generation?: number | null;
  importPolicy?: { scheduled?: boolean | null; insecure?: boolean | null; importMode?: string | null } | null;
  referencePolicy?: { type?: string | null } | null;
}

/** Structural view of an ImageStream object, as loaded. */
export interface StreamLike {
  metadata: { name: string; namespace?: string | null; annotations?: Record<string, string> | null };
  spec?: { tags?: TagSpecLike[] | null; lookupPolicy?: { local?: boolean | null } | null } | null;
}

/** `namespace/stream:tag` — the key a tag is known by everywhere (locks, graph, forced set). */
export function tagKey(namespace: string, stream: string, tag: string): string {
  return formatStreamTag({ namespace, stream, tag });
}

/** Split a {@link tagKey} back into parts (no checks: keys are built from validated names). */
export function splitTagKey(key: string): StreamTagRef {
  const slash = key.indexOf('/');
  const colon = key.lastIndexOf(':');
  return { namespace: key.slice(0, slash), stream: key.slice(slash + 1, colon), tag: key.slice(colon + 1) };
}

/**
 * Where an ImageStreamTag `from` points: `tag` (same stream) or `stream:tag`, namespace from `from.namespace`
 * or the owner's.
 */
export function followTarget(
  ownerNamespace: string,
  ownerStream: string,
  from: { name: string; namespace?: string | null },
): StreamTagRef | undefined {
  // Not parseStreamTag: here a bare name is a tag of the owner's stream, and validate.ts reports bad names.
  const parts = from.name.split(':');
  const namespace = from.namespace || ownerNamespace;
  if (parts.length === 1 && parts[0]) return { namespace, stream: ownerStream, tag: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace, stream: parts[0], tag: parts[1] };
  return undefined;
}

/** Where an ImageStreamImage `from` points: `stream@digest-or-prefix`. */
export function imageTarget(
  ownerNamespace: string,
  from: { name: string; namespace?: string | null },
): { namespace: string; stream: string; digest: string } | undefined {
  const at = from.name.indexOf('@');
  if (at <= 0) return undefined;
  return {
    namespace: from.namespace || ownerNamespace,
    stream: from.name.slice(0, at),
    digest: from.name.slice(at + 1),
  };
}

/** True when the tag is imported from a registry (DockerImage, not reference). */
export function isImportable(tag: TagSpecLike): boolean {
  return tag.from?.kind === 'DockerImage' && !tag.reference;
}

/** The import mode in effect: the tag's, else the config's default, else OpenShift's default (Legacy). */
export function importModeOf(
  tag: TagSpecLike,
  fallback: 'Legacy' | 'PreserveOriginal' = 'Legacy',
): 'Legacy' | 'PreserveOriginal' {
  const m = tag.importPolicy?.importMode;
  return m === 'PreserveOriginal' || m === 'Legacy' ? m : fallback;
}

/**
 * What decides an import (from, reference, import policy), as one readable line recorded in the lock: a change in
 * any of these makes the tag due again, as a generation bump does in OpenShift. Other annotations are ignored.
 * Example: `DockerImage quay.io/org/app:1 importMode=PreserveOriginal`.
 */
export function specKey(tag: TagSpecLike, defaultMode: 'Legacy' | 'PreserveOriginal' = 'Legacy'): string {
  // Built as one string (no list to join): it is computed for every tag in every run.
  let key = `${tag.from?.kind ?? ''} ${tag.from?.namespace ? `${tag.from.namespace}/${tag.from.name}` : (tag.from?.name ?? '')}`;
  if (tag.reference) key += ' reference';
  if (tag.importPolicy?.insecure) key += ' insecure';
  if (tag.from?.kind === 'DockerImage' && importModeOf(tag, defaultMode) !== 'Legacy')
    key += ` importMode=${importModeOf(tag, defaultMode)}`;
  const arch = tag.annotations?.['importer.image.openshift.io/prefer-arch'];
  const os = tag.annotations?.['importer.image.openshift.io/prefer-os'];
  if (arch) key += ` prefer-arch=${arch}`;
  if (os) key += ` prefer-os=${os}`;
  return key;
}
