import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// A child process rewrites one lock-sized file as fast as it can; we kill it at arbitrary moments and check that
// the file always parses and is one of the complete versions. (Runs the compiled module: `npm test` builds first.)
const CHILD = `
import { writeFileAtomic } from ${JSON.stringify(join(import.meta.dirname, '..', '..', 'build', 'fs', 'atomic.js'))};
const target = process.argv[1];
const docs = [0, 1].map((n) => JSON.stringify({ n, items: Array.from({ length: 4000 }, (_, i) => ({ i, digest: 'sha256:' + String(n).repeat(64) })) }));
let i = 0;
await writeFileAtomic(target, docs[i++ % 2]);
process.stdout.write('ready\\n');
for (;;) await writeFileAtomic(target, docs[i++ % 2]);
`;

describe('writeFileAtomic', () => {
  it('a process killed while writing never leaves a partial file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    const target = join(dir, 'lock.json');
    for (let round = 0; round < 6; round++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, target], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
      });
      await new Promise((r) => setTimeout(r, 40 + round * 37));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const parsed = JSON.parse(readFileSync(target, 'utf8')) as { n: number; items: unknown[] };
      expect(parsed.items).toHaveLength(4000);
    }
    expect(readdirSync(dir)).toContain('lock.json');
  }, 30_000);
});
