// OpenShift's own object rules for an ImageStream (openshift-apiserver's ValidateImageStream), beyond the schema:
// the name as a repository path component, `namespace/name` as a repository path, spec.dockerImageRepository, and
// references that parse but are likely mistakes. Pure.

import type { Diagnostic } from '../model/diagnostic.js';
import { referenceWarning, tryParseReference } from '../model/reference.js';
import { type LoadedStream, type ObjectPath, streamTags } from '../model/stream.js';

/** A repository path component, as OpenShift requires of a stream name. */
const NAME_COMPONENT_RE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** distribution/reference's limit, which OpenShift applies to `namespace/name` so a pull spec can be made of it. */
const NAMESPACE_NAME_MAX = 255;

/** How a rule reports a problem at a path of a stream object. */
export type At = (
  s: LoadedStream,
  path: ObjectPath,
  code: Diagnostic['code'],
  message: string,
  severity?: Diagnostic['severity'],
  key?: boolean,
) => void;

/** Check one stream against OpenShift's object rules; reports through `at`. */
export function validateOpenShiftObject(s: LoadedStream, at: At): void {
  if (!NAME_COMPONENT_RE.test(s.name)) {
    at(
      s,
      ['metadata', 'name'],
      'INVALID_STREAM_NAME',
      `stream name ${JSON.stringify(s.name)} is not a repository path component: OpenShift requires lower-case letters and digits separated by single ".", "_" or "-" (e.g. "python-3.12")`,
    );
  }
  const full = `${s.namespace}/${s.name}`;
  if (full.length > NAMESPACE_NAME_MAX) {
    at(
      s,
      ['metadata', 'name'],
      'NAME_TOO_LONG',
      `"namespace/name" is ${full.length} characters; OpenShift allows at most ${NAMESPACE_NAME_MAX} (it becomes the repository path): shorten the name by ${full.length - NAMESPACE_NAME_MAX}`,
    );
  }
  const repo = s.object.spec?.dockerImageRepository;
  if (repo) {
    const path = ['spec', 'dockerImageRepository'];
    const r = tryParseReference(repo);
    if ('error' in r) at(s, path, 'INVALID_REFERENCE', r.error.message);
    else if (r.ref.tag !== undefined || r.ref.digest !== undefined) {
      at(
        s,
        path,
        'INVALID_REPOSITORY',
        `spec.dockerImageRepository ${JSON.stringify(repo)} may not contain a ${r.ref.digest !== undefined ? 'digest' : 'tag'}: write the repository only, e.g. "${r.ref.domain}/${r.ref.path}"`,
      );
    }
  }
  streamTags(s.object).forEach((t, i) => {
    if (t.from?.kind !== 'DockerImage') return;
    const r = tryParseReference(t.from.name);
    const warning = 'ref' in r ? referenceWarning(r.ref) : undefined;
    if (warning) at(s, ['spec', 'tags', i, 'from', 'name'], 'AMBIGUOUS_REGISTRY', warning, 'warning');
  });
}
