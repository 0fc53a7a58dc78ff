// The PR body a group's branch would carry for one stream of a test project: its declaration notes (from the base
// lock to the lock now on disk) rendered as publishing renders them. Shared by the policy tests.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { StreamLock } from '../../src/model/lock.js';
import { declarationNotes } from '../../src/plan/branch-diff.js';
import type { StreamLike } from '../../src/policy/tag-spec.js';
import { renderPullRequestBody } from '../../src/render/pr-body.js';

/** `imagestreams/<stream>.yaml` of `dir`, from `baseLock` to `lock` (default namespace). */
export async function prBodyOf(
  dir: string,
  o: { stream: string; baseLock: StreamLock | undefined; lock: StreamLock; baseDeclaration?: StreamLike },
): Promise<string> {
  const text = await readFile(join(dir, `imagestreams/${o.stream}.yaml`), 'utf8');
  const notes = declarationNotes(
    {
      namespace: 'default',
      stream: o.stream,
      lockFile: 'l',
      baseLock: o.baseLock,
      lock: o.lock,
      ...(o.baseDeclaration ? { baseDeclaration: o.baseDeclaration } : {}),
      declaration: parse(text) as StreamLike,
    },
    new Map(),
  );
  return renderPullRequestBody([], [], { notes });
}
