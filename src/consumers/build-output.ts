// BuildConfig `spec.output.to`: the stream tag a build feeds (the Build → ImageStream half of the seed's loop).
// Pure: files in, the fed stream tags out, each at the line of its `output.to.name`. `validate` checks them
// against the declarations and `describe` shows them per tag; the image itself is recorded by
// `imagestreams import STREAM:TAG --from REPO@DIGEST` after the build pushed it (docs/publishing.md).

import type { SourceFile } from './index.js';
import { listObjects } from './objects.js';
import { isKubeFileName } from './scan.js';
import { parseStreamTag } from './stream-tag.js';
import type { StreamTagRef } from './types.js';
import { getIn, getPath, str } from './yaml-nodes.js';

/** Byte-scan needle: files without it hold no BuildConfig. */
export const BUILD_CONFIG_NEEDLE = 'BuildConfig';

/** One BuildConfig's output: the tag it feeds, or why its output.to names no valid stream tag. */
export interface BuildOutput {
  file: string;
  line: number;
  column: number;
  /** `BuildConfig/name`. */
  buildConfig: string;
  /** `output.to.name` as written (`app:main`; a bare `app` means `app:latest`, as in OpenShift). */
  name: string;
  feeds?: StreamTagRef;
  /** Set when the name is not `stream[:tag]`. */
  error?: string;
}

/** Every BuildConfig output of kind ImageStreamTag in `files` (DockerImage outputs are not stream tags). */
export function findBuildOutputs(files: readonly SourceFile[], defaultNamespace: string): BuildOutput[] {
  const out: BuildOutput[] = [];
  for (const f of files) {
    if (!isKubeFileName(f.path) || !f.text.includes(BUILD_CONFIG_NEEDLE)) continue;
    for (const obj of listObjects(f.path, f.text).objects) {
      if (obj.kind !== 'BuildConfig') continue;
      const to = getPath(obj.doc, obj.node, ['spec', 'output', 'to']);
      if (str(getIn(obj.doc, to, 'kind')) !== 'ImageStreamTag') continue;
      const nameNode = getIn(obj.doc, to, 'name');
      const name = str(nameNode) ?? '';
      const offset = nameNode?.range?.[0] ?? to?.range?.[0] ?? obj.node.range?.[0] ?? 0;
      const line = obj.lineAt(offset);
      const column = offset - f.text.lastIndexOf('\n', offset - 1);
      const namespace = str(getIn(obj.doc, to, 'namespace')) || obj.namespace || defaultNamespace;
      const parsed = parseStreamTag(name.includes(':') ? name : `${name}:latest`, namespace);
      const base = { file: f.path, line, column, buildConfig: obj.label, name };
      out.push('error' in parsed ? { ...base, error: parsed.error } : { ...base, feeds: parsed.ref });
    }
  }
  return out;
}
