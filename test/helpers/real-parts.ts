// The real parts most end-to-end tests need, for one test file: the Distribution registry, a git http-backend that
// wants `token`, and a scratch folder. Started before the file's tests, stopped and removed after them.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type RunningRegistry, startRegistry } from '../../scripts/lib/registry.js';
import { type GitServer, startGitServer } from './git-server.js';

/** Filled in before the first test of the file runs. */
export interface RealParts {
  reg: RunningRegistry;
  server: GitServer;
  work: string;
}

/** Registers the file's beforeAll/afterAll and returns the parts they start (`name` labels the scratch folder). */
export function useRealParts(token: string, name: string): RealParts {
  const parts = {} as RealParts;
  beforeAll(async () => {
    [parts.reg, parts.server] = await Promise.all([startRegistry(), startGitServer({ token })]);
    parts.work = await mkdtemp(join(tmpdir(), `imagestreams-${name}-`));
  });
  afterAll(async () => {
    await Promise.all([parts.reg?.stop(), parts.server?.close()]);
    if (parts.work) await rm(parts.work, { recursive: true, force: true });
  });
  return parts;
}
