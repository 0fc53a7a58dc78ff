// Lock files on disk: where they live (one per stream, so PRs for different streams never conflict), parse, read.

import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import type { ReadFs } from '../config/load.js';
import { type DirChecks, escapeMessage, escapeOf } from '../fs/inside.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { ImagestreamsError } from '../model/errors.js';
import type { StreamLock } from '../model/lock.js';
import { tryParseJson } from './json-fast.js';
import { schemaProblems, validator } from './schemas.js';
import { decodeText, MAX_DECLARATION_BYTES, MAX_FILE_BYTES, parseSource, positionAt } from './source.js';

/** Repository-relative path of a stream's lock: `<lockDir>/<namespace>/<name>.json`. */
export function lockPath(config: Pick<Config, 'lockDir'>, namespace: string, name: string): string {
  return `${config.lockDir}/${namespace}/${name}.json`;
}

function invalid(file: string, diagnostics: Diagnostic[]): ImagestreamsError {
  const lines = diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`);
  return new ImagestreamsError(
    'INVALID_LOCK',
    `${lines.join('\n')}\n(lock files are written by imagestreams; restore ${file} from git or delete it to re-import)`,
    { data: { file, diagnostics }, permanent: true },
  );
}

/** Parse and schema-check lock text; throws INVALID_LOCK with `file:line:column` messages. */
export function parseLock(content: string | Uint8Array, file: string): StreamLock {
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    const d = decodeText(file, content);
    if ('diagnostic' in d) throw invalid(file, [d.diagnostic]);
    text = d.text;
  }
  const validate = validator('lock');
  const json = tryParseJson(text);
  if (json && validate(json.value)) return json.value as StreamLock;
  // Positions come from the YAML parser, whose memory grows with the text: a large broken lock gets none.
  if (!json && text.length > MAX_DECLARATION_BYTES) {
    throw invalid(file, [
      { file, line: 1, column: 1, code: 'INVALID_LOCK', severity: 'error', message: 'not valid JSON' },
    ]);
  }
  const src = parseSource(file, text);
  if (src.diagnostics.length > 0) throw invalid(file, src.diagnostics);
  const doc = src.docs[0];
  if (!doc || src.docs.length !== 1) {
    throw invalid(file, [
      {
        file,
        line: 1,
        column: 1,
        code: 'INVALID_LOCK',
        severity: 'error',
        message: 'a lock file holds exactly one JSON object',
      },
    ]);
  }
  if (validate(doc.value)) return doc.value as StreamLock;
  throw invalid(
    file,
    schemaProblems(validate.errors).map((p) => ({
      file,
      ...positionAt(src, doc.doc, p.path, p.atKey),
      code: 'INVALID_LOCK',
      severity: 'error' as const,
      message: p.message,
    })),
  );
}

/**
 * Read a stream's lock under `root`; undefined when the file does not exist. Throws INVALID_LOCK when bad. `dirs`
 * shares the folder checks of the locks one load reads (they all go through `<lockDir>/<namespace>`).
 */
export async function readLock(
  fs: ReadFs,
  root: string,
  config: Pick<Config, 'lockDir'>,
  namespace: string,
  name: string,
  dirs?: DirChecks,
): Promise<StreamLock | undefined> {
  const rel = lockPath(config, namespace, name);
  // A lock reached through a link (a committed `imagestreams.lock` symlink, say) is neither read nor written.
  const outside = await escapeOf(root, rel, { file: true, ...(dirs ? { dirs } : {}) });
  if (outside) {
    throw new ImagestreamsError('PATH_OUTSIDE_REPOSITORY', escapeMessage(outside, 'lock file'), {
      data: { file: rel },
      permanent: true,
    });
  }
  // Only a regular file of sane size is read (a FIFO would block, a device never end).
  const st = await lstat(join(root, rel)).catch(() => undefined);
  if (st && (!st.isFile() || st.size > MAX_FILE_BYTES)) {
    throw new ImagestreamsError(
      'INVALID_LOCK',
      `${rel}: ${st.isFile() ? `over the ${MAX_FILE_BYTES / 1024 / 1024} MB limit for a lock file` : 'not a regular file'}; restore it from git or delete it to re-import`,
      { data: { file: rel }, permanent: true },
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(join(root, rel));
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ImagestreamsError('LOCK_UNREADABLE', `cannot read ${rel}: ${(e as Error).message}`, {
      cause: e,
      permanent: false,
    });
  }
  return parseLock(bytes, rel);
}
