import { describe, expect, it } from 'vitest';
import { visitRepository, type WalkFs, walkRepository } from '../../src/consumers/walk.js';

/** An in-memory tree: path → content. */
function memFs(files: Record<string, string | Uint8Array>): WalkFs {
  const get = (p: string) => {
    const v = files[p.replace(/^\/repo\//, '')];
    if (v === undefined) throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
    return typeof v === 'string' ? Buffer.from(v) : v;
  };
  return {
    async readdir(dir) {
      const rel = dir === '/repo' ? '' : `${dir.replace(/^\/repo\//, '')}/`;
      const names = new Map<string, boolean>();
      for (const p of Object.keys(files)) {
        if (!p.startsWith(rel)) continue;
        const rest = p.slice(rel.length);
        const slash = rest.indexOf('/');
        names.set(slash < 0 ? rest : rest.slice(0, slash), slash >= 0);
      }
      return [...names].map(([name, dir]) => ({ name, isDirectory: () => dir, isFile: () => !dir }));
    },
    async stat(p) {
      return { size: get(p).length };
    },
    async readFile(p) {
      return get(p);
    },
  };
}

describe('walkRepository', () => {
  it('returns only candidate text files, skipping .git, node_modules, build, dist, binaries and large files', async () => {
    const marker = 'FROM x # imagestream: x:1';
    const fs = memFs({
      'a/Dockerfile': `# imagestream: python:3.12\nFROM python:3.12\n`,
      'a/plain.yaml': 'kind: ConfigMap\n',
      'k/deploy.yaml': 'metadata: {annotations: {image.openshift.io/triggers: "[]"}}',
      '.git/config': marker,
      'node_modules/m/Dockerfile': marker,
      'build/out.yaml': marker,
      'dist/index.js': marker,
      'img.png': new Uint8Array([0x89, 0x50, 0, 0, ...Buffer.from('imagestream:')]),
      'big.yaml': `# imagestream: a:1\n${'x'.repeat(2 * 1024 * 1024)}`,
    });
    const r = await walkRepository({ root: '/repo', fs });
    expect(r.files.map((f) => f.path)).toEqual(['a/Dockerfile', 'k/deploy.yaml']);
    expect(r.seen).toBe(5);
    expect(r.skipped).toEqual({ large: 1, binary: 1 });
  });

  it('returns every text file when candidatesOnly is off', async () => {
    const r = await walkRepository({
      root: '/repo',
      fs: memFs({ 'a.txt': 'a', 'b/c.txt': 'c' }),
      candidatesOnly: false,
    });
    expect(r.files).toEqual([
      { path: 'a.txt', text: 'a' },
      { path: 'b/c.txt', text: 'c' },
    ]);
  });
});

describe('walkRepository ignore', () => {
  it('leaves out ignored paths and everything under ignored directories', async () => {
    const fs = memFs({
      'a/x.env': 'I=a:1 # imagestream: a:1',
      'test/golden/y.env': 'I=a:1 # imagestream: a:1',
    });
    const r = await walkRepository({ root: '/repo', fs, ignore: (p) => p === 'test/golden' });
    expect(r.files.map((f) => f.path)).toEqual(['a/x.env']);
  });
});

describe('visitRepository', () => {
  it('hands over each candidate file with its rank in path order, never more than `concurrency` at once', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++)
      files[`d${i % 3}/f${String(i).padStart(2, '0')}.env`] = `I=a:${i} # imagestream: a:${i}`;
    files['d0/plain.txt'] = 'nothing to see';
    const seen: string[] = [];
    let open = 0;
    let most = 0;
    const counts = await visitRepository(
      { root: '/repo', fs: memFs(files), concurrency: 3 },
      async (f, i) => {
        open++;
        most = Math.max(most, open);
        await new Promise((r) => setImmediate(r));
        seen[i] = f.path;
        open--;
      },
    );
    const walked = await walkRepository({ root: '/repo', fs: memFs(files) });
    expect(most).toBeLessThanOrEqual(3);
    expect(seen.filter(Boolean)).toEqual(walked.files.map((f) => f.path));
    expect(counts).toEqual({ seen: 41, skipped: { large: 0, binary: 0 } });
  });
});
