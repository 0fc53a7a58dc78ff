// The README's first command must keep working: run the demo as a newcomer would and check what it shows.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('npm run demo', () => {
  it('runs the main job on examples/demo against its own local registry, end to end', async () => {
    const { stdout } = await run(process.execPath, ['scripts/demo.js'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: { ...process.env, GITHUB_TOKEN: '' },
      maxBuffer: 16 << 20,
    });
    expect(stdout).toContain('2 files, 5 tags: valid');
    expect(stdout).toMatch(/reconcile: 3 tags due, 3 resolved, 0 failed; wrote 4 files/);
    expect(stdout).toContain('Name:\t\t\tpython');
    expect(stdout).toContain('git status: clean');
    expect(stdout).toContain('no longer provides `linux/arm64`');
    expect(stdout).toContain('rolled back');
    expect(stdout).toMatch(/Done\. The example repository is in /);
  }, 90_000);
});
