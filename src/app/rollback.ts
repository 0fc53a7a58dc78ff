// The rollback use case: point a tag back at an earlier image of its history (from: ImageStreamImage, the
// previous source kept in a note), then record the edit and publish it. Returns what it did.

import * as nodeFs from 'node:fs/promises';
import type { LoadedProject } from '../loader/load.js';
import { readLock } from '../loader/lock-file.js';
import { hasErrors } from '../model/diagnostic.js';
import type { TagHistoryItem } from '../model/lock.js';
import type { TagReference } from '../model/stream.js';
import type { StreamTagName } from '../model/stream-tag.js';
import { findInHistory } from '../policy/history.js';
import { ROLLED_BACK_FROM, type TagSpecChange, tagSpecEdits } from '../policy/tag-edit.js';
import { omitUndefined } from '../util/omit-undefined.js';
import type { AppDeps } from './deps.js';
import type { JobResult } from './job.js';
import { openProject } from './project.js';
import { type EditStop, type RecordRequest, recordEdit, stopOf } from './record.js';
import { applyTagEdits, findStream } from './stream-edits.js';

/** What to roll back, and to which image: its position in the history (1 = current) or a digest (prefix). */
export interface RollbackRequest extends RecordRequest {
  target: StreamTagName;
  to: string;
}

/** What the rollback did: stopped, found the tag already there, or edited (and recorded) it. */
export interface RollbackResult {
  stop?: EditStop;
  /** The tag is at that image already: nothing was changed. */
  unchanged?: { image: string };
  edit?: { item: TagHistoryItem; files: string[]; dryRun: boolean };
  /** The recording run (not in a dry run). */
  job?: JobResult;
}

/** Roll the tag back, then record it (the pin resolves from history: only this stream, nothing scheduled). */
export async function rollbackTag(deps: AppDeps, req: RollbackRequest): Promise<RollbackResult> {
  const r: RollbackResult = {};
  try {
    await rollbackInto(deps, req, r);
  } catch (e) {
    r.stop = stopOf(e);
  }
  return r;
}

async function rollbackInto(deps: AppDeps, req: RollbackRequest, r: RollbackResult): Promise<void> {
  const { target } = req;
  const configured = omitUndefined({ configPath: req.configPath });
  const project = await openProject(deps.cwd, configured);
  if (hasErrors(project.diagnostics)) {
    r.stop = { status: 'usage', diagnostics: project.diagnostics };
    return;
  }
  const ns = target.namespace ?? project.config.namespace;
  const spec = findStream(project, ns, target.stream)?.object.spec?.tags?.find((t) => t.name === target.tag);
  if (!spec) {
    r.stop = { status: 'usage', message: `${ns}/${target.stream}:${target.tag} is not declared` };
    return;
  }
  const found = await historyItem(project, ns, target, req.to);
  if ('stop' in found) {
    r.stop = found.stop;
    return;
  }
  const { item, current } = found;
  if (item === current) {
    r.unchanged = { image: item.image };
    return;
  }
  const ops = tagSpecEdits(spec, rollbackChange(spec, target, item));
  const dryRun = Boolean(req.dryRun);
  const files = await applyTagEdits(
    project,
    [{ namespace: ns, stream: target.stream, tag: target.tag, ops }],
    {
      createStreams: false,
      dryRun,
    },
  );
  r.edit = { item, files, dryRun };
  if (dryRun) return;
  const reloaded = await openProject(deps.cwd, configured);
  r.job = await recordEdit(deps, reloaded, { ...req, only: new Set([`${ns}/${target.stream}`]) });
}

/** The image `to` names in the tag's history, and the current one. */
async function historyItem(
  project: LoadedProject,
  ns: string,
  target: StreamTagName,
  to: string,
): Promise<{ item: TagHistoryItem; current?: TagHistoryItem } | { stop: EditStop }> {
  const lock = await readLock(nodeFs, project.root, project.config, ns, target.stream);
  const history = lock?.status.tags.find((t) => t.tag === target.tag);
  const items = history?.items ?? [];
  const name = `${target.stream}:${target.tag}`;
  if (/^\d+$/.test(to)) {
    const item = items[Number(to) - 1];
    if (item && Number(to) >= 1) return { item, current: items[0] };
    const message = `${name} has ${items.length} image(s) in its history; --to ${to} is out of range`;
    return { stop: { status: 'failed', message } };
  }
  const found = findInHistory(history ? [history] : [], to);
  if ('item' in found) return { item: found.item, current: items[0] };
  const message = `${to} ${found.error === 'ambiguous' ? `matches ${found.candidates.length} images; give more characters` : `is not in the history of ${name}`}`;
  return { stop: { status: 'failed', message } };
}

/** The tag edit: from the image, scheduling off, the note of the source to go back to. */
function rollbackChange(spec: TagReference, target: StreamTagName, item: TagHistoryItem): TagSpecChange {
  // The note: kept from an earlier rollback, else the source replaced now.
  const note =
    spec.annotations?.[ROLLED_BACK_FROM] ??
    (spec.from && spec.from.kind !== 'ImageStreamImage'
      ? JSON.stringify({ kind: spec.from.kind, name: spec.from.name })
      : undefined);
  return {
    from: { kind: 'ImageStreamImage', name: `${target.stream}@${item.image}` },
    ...(spec.importPolicy?.scheduled ? { fields: { importPolicy: { scheduled: false } } } : {}),
    ...omitUndefined({ rolledBackFrom: note }),
  };
}
