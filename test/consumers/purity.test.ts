// The consumers core imports no I/O: only walk.ts (fs injected anyway) and lock-lookup.ts are edges.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../src/consumers');
const core = readdirSync(dir).filter((f) => f.endsWith('.ts') && !['walk.ts', 'lock-lookup.ts'].includes(f));

describe('consumers core', () => {
  it.each(core)('%s imports no node: module, network, git or process state', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    expect(text).not.toMatch(/from '(?:node:|fs|child_process|isomorphic-git|octokit|execa)/);
    expect(text).not.toMatch(/\bprocess\.(?:env|cwd|stdout)/);
  });
});
