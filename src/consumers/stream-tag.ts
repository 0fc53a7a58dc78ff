// The `stream:tag` (optionally `namespace/stream:tag`) names triggers and markers refer to: the model's parser,
// with the namespace defaulted from the object and the finders' messages (the consumer goldens quote them).

import { parseStreamTag as parse } from '../model/stream-tag.js';
import type { StreamTagRef } from './types.js';

/** `stream:tag` with a namespace from the caller; `ns/stream:tag` only when `allowNamespace`. */
export function parseStreamTag(
  input: string,
  namespace: string,
  allowNamespace = false,
): { ref: StreamTagRef } | { error: string } {
  const r = parse(input, { namespace: allowNamespace });
  if ('ref' in r) return { ref: { ...r.ref, namespace: r.ref.namespace ?? namespace } };
  const { part, problem, text } = r.error;
  if (problem === 'refused')
    return { error: `"${input}" is not stream:tag (put the namespace in from.namespace)` };
  if (problem === 'missing') return { error: `"${input}" has no tag; write stream:tag, e.g. python:3.12` };
  const what = part === 'namespace' ? 'namespace' : part === 'stream' ? 'image stream name' : 'tag';
  return { error: `invalid ${what} "${text}" in "${input}"` };
}
