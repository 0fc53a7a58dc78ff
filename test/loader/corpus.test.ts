import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/loader/load.js';

import { CORPUS } from '../helpers/corpus.js';

describe('the openshift-library corpus', () => {
  it('loads and validates every file with zero errors', async () => {
    const r = await loadProject({ cwd: CORPUS, paths: ['.'] });
    expect(r.files).toHaveLength(532);
    expect(r.streams).toHaveLength(532);
    expect(r.tags).toBe(3170);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // The same stream names appear once per architecture: reported, but only as warnings.
    expect(new Set(r.diagnostics.map((d) => d.code))).toEqual(new Set(['DUPLICATE_STREAM']));
  });

  it('gives each tag a position in its JSON file', async () => {
    const r = await loadProject({ cwd: CORPUS, paths: ['community/redis/imagestreams/redis-centos.json'] });
    const [s] = r.streams;
    expect(s).toMatchObject({
      name: 'redis',
      namespace: 'default',
      file: 'community/redis/imagestreams/redis-centos.json',
    });
    expect(s!.tagPosition('6-el9')).toEqual({ line: 17, column: 13 });
    expect(s!.object.spec?.tags?.[0]?.referencePolicy?.type).toBe('Local');
  });
});
