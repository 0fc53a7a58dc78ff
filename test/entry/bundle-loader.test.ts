// The CLI bundle's loader (src/entry/bundle-loader.ts) on small CommonJS files of its own: modules are shared and
// resolved beside the requiring file as Node's require does (cycles see a partial exports object, a module whose
// top level threw is loaded afresh), and the code caches it writes are accepted by the same Node.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLoader, codeCachePath } from '../../src/entry/bundle-loader.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imagestreams-bundle-loader-'));
  const files: Record<string, string> = {
    'main.js': `"use strict";
const shared = require('./lib/shared.js');
const other = require('./other.js');
exports.sameShared = other.shared === shared;
exports.count = shared.count();
exports.path = require('node:path').basename(__filename);
exports.strict = (function () { return this; })() === undefined;`,
    'other.js': `exports.shared = require('./lib/shared.js'); exports.shared.count();`,
    'lib/shared.js': `let n = 0; exports.count = () => ++n;`,
    'cycle-a.js': `exports.early = 1; const b = require('./cycle-b.js'); exports.late = 2; exports.seenByB = b.seen;`,
    'cycle-b.js': `const a = require('./cycle-a.js'); exports.seen = { early: a.early, late: a.late };`,
    'throws.js': `globalThis.__bundleLoaderRuns = (globalThis.__bundleLoaderRuns ?? 0) + 1;
if (globalThis.__bundleLoaderRuns === 1) throw new Error('first load fails');
exports.ok = true;`,
    'replaced.js': `module.exports = { replaced: true };`,
  };
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(dir, 'lib'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the bundle loader', () => {
  it('resolves relative requires beside the requiring file and loads each module once', () => {
    const loader = bundleLoader();
    const main = loader.load(join(dir, 'main.js'));
    expect(main).toEqual({ sameShared: true, count: 2, path: 'main.js', strict: true });
    expect(loader.compiled.map((f) => f.slice(dir.length + 1)).sort()).toEqual([
      'lib/shared.js',
      'main.js',
      'other.js',
    ]);
    expect(loader.load(join(dir, 'main.js'))).toBe(main);
  });

  it('gives a cycle the partial exports, and a replaced module.exports to its requirers', () => {
    const loader = bundleLoader();
    expect(loader.load(join(dir, 'cycle-a.js'))).toEqual({ early: 1, late: 2, seenByB: { early: 1 } });
    expect(loader.load(join(dir, 'replaced.js'))).toEqual({ replaced: true });
  });

  it('loads a module whose top level threw afresh the next time', () => {
    const loader = bundleLoader();
    expect(() => loader.load(join(dir, 'throws.js'))).toThrow('first load fails');
    expect(loader.load(join(dir, 'throws.js'))).toEqual({ ok: true });
  });

  it('writes code caches that the same Node accepts, and compiles from source without them', async () => {
    bundleLoader({ produce: true }).load(join(dir, 'main.js'));
    const cached = bundleLoader();
    cached.load(join(dir, 'main.js'));
    expect(cached.accepted).toEqual(cached.compiled);

    await rm(codeCachePath(join(dir, 'other.js')));
    const partly = bundleLoader();
    expect(partly.load(join(dir, 'main.js'))).toMatchObject({ sameShared: true });
    expect(partly.accepted).toHaveLength(2);
    expect(partly.compiled).toHaveLength(3);
  });
});
