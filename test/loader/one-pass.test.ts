import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/loader/load.js';

const BAD = join(import.meta.dirname, '..', 'fixtures', 'one-pass');

describe('one pass reports every problem', () => {
  it('a schema error in one tag does not hide the semantic errors of the other tags of the stream', async () => {
    const file = 'schema-and-semantic.yaml';
    const p = await loadProject({ cwd: BAD, paths: [file] });
    const got = p.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`);
    expect(got).toEqual(['9:33 SCHEMA', '11:39 INVALID_REFERENCE', '13:42 TAG_NOT_FOUND']);
    // The stream itself is still not loaded for reconciling (its file is invalid).
    expect(p.streams).toEqual([]);
    expect(readFileSync(join(BAD, file), 'utf8').split('\n')[10]).toContain('quay.io/Bad/ref');
  });

  it('a stream whose identity is broken is not checked further (nothing to name it by)', async () => {
    const p = await loadProject({ cwd: BAD, paths: ['broken-identity.yaml'] });
    expect(p.diagnostics.map((d) => `${d.line}:${d.code}`)).toEqual(['4:SCHEMA']);
  });
});
