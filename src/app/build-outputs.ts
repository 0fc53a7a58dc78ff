// What BuildConfigs feed: every BuildConfig in the repository whose `output.to` is an ImageStreamTag, checked
// against the declarations (validate) and listed per tag (describe). A build's image reaches its stream tag
// through `imagestreams import STREAM:TAG --from REPO@DIGEST` after the push (docs/publishing.md).

import * as nodeFs from 'node:fs/promises';
import { BUILD_CONFIG_NEEDLE, type BuildOutput, findBuildOutputs } from '../consumers/build-output.js';
import type { WalkFs } from '../consumers/walk.js';
import type { LoadedProject } from '../loader/load.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { type LoadedStream, streamTags } from '../model/stream.js';
import { walkProject } from './walk-project.js';

export type { BuildOutput } from '../consumers/build-output.js';

/** Every ImageStreamTag output of every BuildConfig under the project root. */
export async function buildOutputsOf(
  project: Pick<LoadedProject, 'root' | 'config'>,
  fs: WalkFs = nodeFs as unknown as WalkFs,
): Promise<BuildOutput[]> {
  const walked = await walkProject(project, [BUILD_CONFIG_NEEDLE], fs);
  return findBuildOutputs(walked.files, project.config.namespace);
}

/** One error per output that names no declared stream tag, at its `output.to.name`, saying how to fix it. */
export function checkBuildOutputs(
  outputs: readonly BuildOutput[],
  streams: readonly LoadedStream[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const o of outputs) {
    const at = { file: o.file, line: o.line, column: o.column, severity: 'error' as const };
    if (!o.feeds) {
      out.push({
        ...at,
        code: 'BUILD_OUTPUT_INVALID',
        message: `${o.buildConfig}: output.to.name ${JSON.stringify(o.name)} is not an image stream tag: ${o.error}`,
      });
      continue;
    }
    const { namespace, stream, tag } = o.feeds;
    const s = streams.find((x) => x.namespace === namespace && x.name === stream);
    const record = `imagestreams import ${namespace}/${stream}:${tag} --from REPO@DIGEST --confirm`;
    if (!s) {
      out.push({
        ...at,
        code: 'BUILD_OUTPUT_UNDECLARED',
        message: `${o.buildConfig}: output.to names ${namespace}/${stream}:${tag}, but no image stream ${namespace}/${stream} is declared: declare it (\`${record}\` records the first build and creates it), or point output.to at a declared stream tag`,
      });
      continue;
    }
    const tags = streamTags(s.object).map((t) => t.name);
    if (tags.includes(tag)) continue;
    out.push({
      ...at,
      code: 'BUILD_OUTPUT_UNDECLARED',
      message: `${o.buildConfig}: output.to names ${namespace}/${stream}:${tag}, but ${s.file} declares no tag ${tag} in ${stream} (tags: ${tags.join(', ') || 'none'}): declare it (\`${record}\` records the first build and adds it), or point output.to at a declared tag`,
    });
  }
  return out;
}

/** `namespace/stream:tag` → the BuildConfigs feeding it, as `BuildConfig/name (file:line)`. */
export function feedersByTag(outputs: readonly BuildOutput[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const o of outputs) {
    if (!o.feeds) continue;
    const key = `${o.feeds.namespace}/${o.feeds.stream}:${o.feeds.tag}`;
    out.set(key, [...(out.get(key) ?? []), `${o.buildConfig} (${o.file}:${o.line})`]);
  }
  return out;
}
