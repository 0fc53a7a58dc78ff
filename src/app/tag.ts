// The tag use case (`oc tag` on the declarations): point stream tags at an image, another tag, or an image of a
// stream's history, or delete tags; then, when asked, record the edit and publish it. Returns what it did.

import * as nodeFs from 'node:fs/promises';
import type { LoadedProject } from '../loader/load.js';
import { readLock } from '../loader/lock-file.js';
import { hasErrors } from '../model/diagnostic.js';
import { ImagestreamsError } from '../model/errors.js';
import type { StreamTagName } from '../model/stream-tag.js';
import { missingAliasTargets, type TagAction } from '../policy/oc-tag.js';
import { newTag, type TagSpecChange, tagSpecEdits } from '../policy/tag-edit.js';
import type { AppDeps } from './deps.js';
import type { JobResult } from './job.js';
import { openProject } from './project.js';
import { type EditStop, type RecordRequest, recordEdit, stopOf } from './record.js';
import { applyTagEdits, findStream, type TagEdit } from './stream-edits.js';

/** One destination as the result lists it (`tag` is `namespace/stream:tag`). */
export type TagActionResult =
  | { action: 'delete'; tag: string }
  | { action: 'set'; tag: string; from: unknown };

/** What the edit did. */
export interface TagEditDone {
  dryRun: boolean;
  actions: TagActionResult[];
  /** One sentence per destination, as `oc tag` prints them. */
  messages: string[];
  /** Declaration files written (or that would be, in a dry run). */
  files: string[];
}

/** The tag use case's result: the edit, why it stopped, and the recording run. */
export interface TagResult {
  edit?: TagEditDone;
  stop?: EditStop;
  /** Set when a publish mode was asked and it was not a dry run. */
  job?: JobResult;
}

function display(t: StreamTagName): string {
  return `${t.namespace ? `${t.namespace}/` : ''}${t.stream}:${t.tag}`;
}

/** Edit the tags `actions` name (planTag made them), then record per `req.mode`. */
export async function tagStreams(
  deps: AppDeps,
  project: LoadedProject,
  actions: TagAction[],
  req: RecordRequest,
): Promise<TagResult> {
  // Deleting is how a broken file is repaired (a tag with an invalid name), so it runs on invalid declarations.
  if (hasErrors(project.diagnostics) && !actions.every((a) => a.action === 'delete')) {
    const message = 'fix the declarations above first; nothing was changed';
    return { stop: { status: 'usage', message, diagnostics: project.diagnostics } };
  }
  let edit: TagEditDone;
  try {
    edit = await editTags(project, actions, Boolean(req.dryRun));
  } catch (e) {
    return { stop: stopOf(e) };
  }
  if (!req.mode || req.dryRun) return { edit };
  const reloaded = await openProject(
    deps.cwd,
    req.configPath !== undefined ? { configPath: req.configPath } : {},
  );
  if (hasErrors(reloaded.diagnostics))
    return { edit, stop: { status: 'usage', diagnostics: reloaded.diagnostics } };
  const ns = (t: StreamTagName) => t.namespace ?? project.config.namespace;
  const only = new Set(actions.map((a) => `${ns(a.dest)}/${a.dest.stream}`));
  return { edit, job: await recordEdit(deps, reloaded, { ...req, only }) };
}

/** The spec an ImageStreamTag source is copied as: the image it points at now (`stream@sha256:…`). */
async function copiedSpec(
  project: LoadedProject,
  a: TagAction & { action: 'set' },
  ns: (t: StreamTagName) => string,
): Promise<{ spec: Record<string, unknown>; message: string }> {
  const src = a.copyFrom!;
  const srcNs = ns(src);
  if (!findStream(project, srcNs, src.stream)) {
    throw new ImagestreamsError('NOT_FOUND', `source stream ${srcNs}/${src.stream} is not declared`);
  }
  const lock = await readLock(nodeFs, project.root, project.config, srcNs, src.stream);
  const current = lock?.status.tags.find((t) => t.tag === src.tag)?.items[0];
  if (!current) {
    throw new ImagestreamsError(
      'NO_IMAGE',
      `${display(src)} has no image yet: run \`imagestreams reconcile\` first, or use --alias to track it`,
    );
  }
  const from: Record<string, unknown> = { kind: 'ImageStreamImage', name: `${src.stream}@${current.image}` };
  if (srcNs !== ns(a.dest)) from.namespace = srcNs;
  return {
    spec: { from, ...a.spec },
    message: `Tag ${display(a.dest)} set to ${src.stream}@${current.image}.`,
  };
}

/** The file edits of the actions, applied; throws an ImagestreamsError for a source or tag that does not exist. */
async function editTags(project: LoadedProject, actions: TagAction[], dryRun: boolean): Promise<TagEditDone> {
  const ns = (t: StreamTagName) => t.namespace ?? project.config.namespace;
  const missing = missingAliasTargets(actions, (namespace, stream, tag) =>
    Boolean(
      findStream(project, namespace ?? project.config.namespace, stream)?.object.spec?.tags?.some(
        (t) => t.name === tag,
      ),
    ),
  );
  if (missing.length > 0) {
    throw new ImagestreamsError(
      'NOT_FOUND',
      `--alias to ${missing.join(', ')}, which is not declared: declare it first, or tag from an image`,
    );
  }
  const edits: TagEdit[] = [];
  const messages: string[] = [];
  const results: TagActionResult[] = [];
  for (const a of actions) {
    const dest = a.dest;
    const key = `${ns(dest)}/${dest.stream}:${dest.tag}`;
    if (a.action === 'delete') {
      edits.push({ namespace: ns(dest), stream: dest.stream, tag: dest.tag });
      messages.push(`Deleted tag ${display(dest)}.`);
      results.push({ action: 'delete', tag: key });
      continue;
    }
    let spec = a.spec;
    if (a.copyFrom) {
      const copied = await copiedSpec(project, a, ns);
      spec = copied.spec;
      messages.push(copied.message);
    } else {
      const from = spec.from as { kind: string; name: string };
      messages.push(
        from.kind === 'ImageStreamTag'
          ? `Tag ${display(dest)} set up to track ${dest.stream}:${from.name}.`
          : `Tag ${display(dest)} set to ${from.name}.`,
      );
    }
    // As oc tag: the destination's whole spec is replaced (scheduled, policies and notes not given are dropped).
    const { from, ...fields } = spec as { from: TagSpecChange['from'] } & Record<string, unknown>;
    const change: TagSpecChange = { from, fields, replace: true };
    const existing = findStream(project, ns(dest), dest.stream)?.object.spec?.tags?.find(
      (t) => t.name === dest.tag,
    );
    edits.push({
      namespace: ns(dest),
      stream: dest.stream,
      tag: dest.tag,
      ops: existing ? tagSpecEdits(existing, change) : [],
      create: newTag(dest.tag, change),
    });
    results.push({ action: 'set', tag: key, from: spec.from });
  }
  const files = await applyTagEdits(project, edits, { createStreams: true, dryRun });
  return { dryRun, actions: results, messages, files };
}
