// `set image-lookup` as a use case: turn a stream's `spec.lookupPolicy.local` on or off in its declaration file,
// as `oc set image-lookup` does on the object. Only that value changes (comments, order and quoting stay); a
// stream already in the wanted state is left byte-identical.

import { join, resolve } from 'node:path';
import { locateStream } from '../edit/locate.js';
import { editDocumentText } from '../edit/yaml-edit.js';
import type { LoadedProject } from '../loader/load.js';
import { ImagestreamsError } from '../model/errors.js';
import type { LoadedStream } from '../model/stream.js';

/** The file access the use case needs (node:fs/promises and fs/atomic fit). */
export interface SetImageLookupFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, text: string): Promise<void>;
}

/** What to change: named streams (`namespace/name` or `name` in the config's namespace), or every stream. */
export interface SetImageLookupOptions {
  streams: readonly string[] | 'all';
  enabled: boolean;
  dryRun?: boolean;
}

/** One stream's outcome: where it is declared and its lookup before and after. */
export interface ImageLookupChange {
  stream: string;
  file: string;
  line: number;
  from: boolean;
  to: boolean;
  changed: boolean;
}

/** The result: every stream asked for, and the files written (none on a dry run or when nothing changed). */
export interface SetImageLookupResult {
  changes: ImageLookupChange[];
  files: string[];
}

/** Resolve the names first (an unknown name changes nothing), then edit each file once. */
export async function setImageLookup(
  project: LoadedProject,
  o: SetImageLookupOptions,
  fs: SetImageLookupFs,
): Promise<SetImageLookupResult> {
  const targets = o.streams === 'all' ? project.streams : o.streams.map((n) => findNamed(project, n));
  const root = resolve(project.root);
  const texts = new Map<string, string>();
  const changes: ImageLookupChange[] = [];
  for (const s of targets) {
    const from = s.object.spec?.lookupPolicy?.local === true;
    const at = s.position(['spec', 'lookupPolicy', 'local']);
    const change = {
      stream: `${s.namespace}/${s.name}`,
      file: s.file,
      line: at.line,
      from,
      to: o.enabled,
      changed: from !== o.enabled,
    };
    changes.push(change);
    if (!change.changed) continue;
    const text = texts.get(s.file) ?? (await fs.readFile(join(root, s.file), 'utf8'));
    const loc = locateStream(text, s.name);
    if (!loc) {
      throw new ImagestreamsError('EDIT_FAILED', `${s.file}: cannot find the ImageStream ${s.name} to edit`, {
        data: { file: s.file, stream: s.name },
      });
    }
    const ops = [
      { op: 'set' as const, path: [...loc.prefix, 'spec'], value: { lookupPolicy: { local: o.enabled } } },
    ];
    texts.set(s.file, editDocumentText(text, loc.docIndex, ops));
  }
  if (!o.dryRun) for (const [file, text] of texts) await fs.writeFile(join(root, file), text);
  return { changes, files: [...texts.keys()] };
}

/** A stream by `namespace/name` or `name`; an unknown one is a NOT_FOUND error that lists what is declared. */
function findNamed(project: LoadedProject, name: string): LoadedStream {
  const slash = name.indexOf('/');
  const namespace = slash >= 0 ? name.slice(0, slash) : project.config.namespace;
  const stream = slash >= 0 ? name.slice(slash + 1) : name;
  const found = project.streams.find((s) => s.namespace === namespace && s.name === stream);
  if (found) return found;
  const declared = project.streams.map((s) => `${s.namespace}/${s.name}`).sort();
  throw new ImagestreamsError(
    'NOT_FOUND',
    `image stream ${namespace}/${stream} is not declared${declared.length ? ` (declared: ${declared.slice(0, 10).join(', ')}${declared.length > 10 ? ', …' : ''})` : ''}; name it as [namespace/]name`,
    { data: { stream: `${namespace}/${stream}` } },
  );
}
