// The file edge of the editing commands (tag, import, rollback): change a stream's YAML or JSON in place,
// touching only the values that change, or create a new stream file.

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { locateStream, locateTag } from '../edit/locate.js';
import { type EditOp, type EditPath, editDocumentText } from '../edit/yaml-edit.js';
import { writeFileAtomic } from '../fs/atomic.js';
import type { LoadedProject } from '../loader/load.js';
import { ImagestreamsError } from '../model/errors.js';
import type { LoadedStream, TagReference } from '../model/stream.js';

/** Ops on one tag, relative to the tag (e.g. ['from', 'name']); the prefix is added here. */
export interface TagEdit {
  namespace: string;
  stream: string;
  tag: string;
  /** undefined: delete the tag. */
  ops?: EditOp[];
  /** The whole tag entry to add when the tag does not exist yet. */
  create?: TagReference;
}

/** Find a loaded stream by namespace and name. */
export function findStream(
  project: LoadedProject,
  namespace: string,
  name: string,
): LoadedStream | undefined {
  return project.streams.find((s) => s.namespace === namespace && s.name === name);
}

/** The YAML text of a new stream file holding one tag. */
export function newStreamText(name: string, namespace: string | undefined, tag: TagReference): string {
  const metadata: Record<string, unknown> = { name };
  if (namespace) metadata.namespace = namespace;
  const obj = { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata, spec: { tags: [tag] } };
  return stringify(obj, { lineWidth: 0 });
}

/**
 * Where a new stream is declared (the rule docs/declaration.md states): `<folder>/<name>.yaml` in the config's
 * default namespace, `<folder>/<namespace>/<name>.yaml` in any other (so promoting dev/app to prod/app never
 * touches dev's file), `<folder>` being the first declarations folder that is not a glob. When the file exists
 * already — another stream's — the namespaced path is tried first, and the stream is then appended to whichever
 * file it lands in as a new YAML document; no existing declaration is ever replaced.
 */
async function newStreamFile(
  project: LoadedProject,
  namespace: string,
  name: string,
  pending: ReadonlyMap<string, string>,
): Promise<string> {
  const folder = (project.config.declarations.find((d) => !/[*?[]/.test(d)) ?? 'imagestreams').replace(
    /\/+$/,
    '',
  );
  const plain = `${folder}/${name}.yaml`;
  const spaced = `${folder}/${namespace}/${name}.yaml`;
  const taken = async (f: string) =>
    pending.has(f) ||
    project.streams.some((s) => s.file === f) ||
    (await readIfExists(join(resolve(project.root), f))) !== undefined;
  if (namespace !== project.config.namespace) return spaced;
  if (!(await taken(plain))) return plain;
  return spaced;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Apply edits to the files of the project (grouped per file, in order). A stream that does not exist is created
 * where newStreamFile says, when `create` allows it. Returns the files written.
 */
export async function applyTagEdits(
  project: LoadedProject,
  edits: TagEdit[],
  opts: { createStreams: boolean; dryRun?: boolean },
): Promise<string[]> {
  const root = resolve(project.root);
  const texts = new Map<string, string>();
  const read = async (file: string) => {
    let t = texts.get(file);
    if (t === undefined) {
      t = await readFile(join(root, file), 'utf8');
      texts.set(file, t);
    }
    return t;
  };
  for (const e of edits) {
    // A delete also reaches streams that failed the schema (a tag with an invalid name is repaired by deleting it).
    const stream =
      findStream(project, e.namespace, e.stream) ??
      (e.ops === undefined
        ? project.partial?.find((s) => s.namespace === e.namespace && s.name === e.stream)
        : undefined);
    if (!stream) {
      if (!e.create) {
        throw new ImagestreamsError('NOT_FOUND', `image stream ${e.namespace}/${e.stream} is not declared`, {
          data: { stream: e.stream },
        });
      }
      if (!opts.createStreams) {
        throw new ImagestreamsError(
          'NOT_FOUND',
          `image stream ${e.namespace}/${e.stream} does not exist; add --confirm to create it`,
          { data: { stream: e.stream } },
        );
      }
      const text = newStreamText(
        e.stream,
        e.namespace === project.config.namespace ? undefined : e.namespace,
        e.create,
      );
      const file = await newStreamFile(project, e.namespace, e.stream, texts);
      const existing = texts.get(file) ?? (await readIfExists(join(root, file)));
      // Never overwrite: a file that exists (another stream's) gets the new stream as one more YAML document.
      texts.set(file, existing === undefined ? text : `${existing.replace(/\n*$/, '\n')}---\n${text}`);
      continue;
    }
    const text = await read(stream.file);
    const loc = locateStream(text, stream.name);
    if (!loc) throw new ImagestreamsError('EDIT_FAILED', `cannot find ${stream.name} in ${stream.file}`);
    const tags = stream.object.spec?.tags ?? [];
    const idx =
      e.ops === undefined
        ? locateTag(text, loc.docIndex, loc.prefix, e.tag)
        : tags.findIndex((t) => t.name === e.tag);
    const tagsPath: EditPath = [...loc.prefix, 'spec', 'tags'];
    let ops: EditOp[];
    if (e.ops === undefined) {
      if (idx < 0) throw new ImagestreamsError('NOT_FOUND', `tag ${e.stream}:${e.tag} does not exist`);
      ops = [{ op: 'delete', path: [...tagsPath, idx] }];
    } else if (idx < 0) {
      if (!e.create) throw new ImagestreamsError('NOT_FOUND', `tag ${e.stream}:${e.tag} does not exist`);
      ops =
        tags.length === 0
          ? [{ op: 'set', path: tagsPath, value: [e.create] }]
          : [{ op: 'append', path: tagsPath, value: e.create }];
    } else {
      ops = e.ops.map((op) => ({ ...op, path: [...tagsPath, idx, ...op.path] }));
    }
    texts.set(stream.file, editDocumentText(text, loc.docIndex, ops));
    // Keep the in-memory view in step for later edits of the same stream.
    if (e.ops === undefined) {
      const i = tags.findIndex((t) => t.name === e.tag);
      if (i >= 0) tags.splice(i, 1);
    } else if (idx < 0 && e.create) tags.push(e.create);
  }
  if (!opts.dryRun) {
    for (const [file, text] of texts) await writeFileAtomic(join(root, file), text);
  }
  return [...texts.keys()];
}
