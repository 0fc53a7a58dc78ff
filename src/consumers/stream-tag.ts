// Parse the `stream:tag` (optionally `namespace/stream:tag`) names triggers and markers refer to.

import { isValidTag } from '../model/reference.js';
import type { StreamTagRef } from './types.js';

const NAME_RE = /^[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?$/;

/** `stream:tag` with a namespace from the caller; `ns/stream:tag` only when `allowNamespace`. */
export function parseStreamTag(
  input: string,
  namespace: string,
  allowNamespace = false,
): { ref: StreamTagRef } | { error: string } {
  let rest = input;
  let ns = namespace;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    if (!allowNamespace)
      return { error: `"${input}" is not stream:tag (put the namespace in from.namespace)` };
    ns = rest.slice(0, slash);
    rest = rest.slice(slash + 1);
    if (!NAME_RE.test(ns)) return { error: `invalid namespace "${ns}" in "${input}"` };
  }
  const colon = rest.indexOf(':');
  if (colon < 0) return { error: `"${input}" has no tag; write stream:tag, e.g. python:3.12` };
  const stream = rest.slice(0, colon);
  const tag = rest.slice(colon + 1);
  if (!NAME_RE.test(stream)) return { error: `invalid image stream name "${stream}" in "${input}"` };
  if (!isValidTag(tag)) return { error: `invalid tag "${tag}" in "${input}"` };
  return { ref: { namespace: ns, stream, tag } };
}
