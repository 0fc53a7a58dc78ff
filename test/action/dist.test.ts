// The committed bundle must be what the sources build to: a fresh build into a temp directory is compared with
// dist/ byte for byte (this is the CI check that dist/ was rebuilt and committed).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const STALE = 'dist/ is stale: run `npm run build:action` and commit dist/';

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)));
  }
  return out.sort();
}

let temp: string | undefined;
afterAll(async () => {
  if (temp) await rm(temp, { recursive: true, force: true });
});

describe('dist/', () => {
  it('is exactly what `npm run build:action` builds from the sources', async () => {
    temp = await mkdtemp(join(tmpdir(), 'imagestreams-dist-'));
    const out = join(temp, 'dist');
    await execa(process.execPath, [join(ROOT, 'scripts', 'build-action.mjs'), '--outdir', out], {
      cwd: ROOT,
    });
    const committed = join(ROOT, 'dist');
    expect(await files(committed), STALE).toEqual(await files(out));
    for (const f of await files(out)) {
      const [a, b] = await Promise.all([readFile(join(committed, f)), readFile(join(out, f))]);
      expect(a.equals(b), `${STALE} (${f} differs)`).toBe(true);
    }
  });

  it('is deterministic: two builds give the same bytes', async () => {
    const again = join(temp!, 'again');
    await execa(process.execPath, [join(ROOT, 'scripts', 'build-action.mjs'), '--outdir', again], {
      cwd: ROOT,
    });
    for (const f of await files(join(temp!, 'dist'))) {
      const [a, b] = await Promise.all([readFile(join(temp!, 'dist', f)), readFile(join(again, f))]);
      expect(a.equals(b), f).toBe(true);
    }
  });
});
