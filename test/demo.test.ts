// The README's first command must keep working: run the demo as a newcomer would and check what it shows.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
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
    // The demo ends where a reviewer would want it: verify passes after the rollback (followers went back too).
    const last = stdout.slice(stdout.indexOf('10. verify after the rollback'));
    expect(last).toMatch(/verify: 3 consumers at their locked digests\s+\(exit 0\)/);
    const dir = /example repository is in (\S+)/.exec(stdout)![1]!;
    // And from outside the demo, as the README suggests looking around: exit 0 (execFile rejects otherwise).
    const bin = new URL('../bin/imagestreams.js', import.meta.url).pathname;
    const verify = await run(process.execPath, [bin, 'verify'], { cwd: dir, env: { ...process.env } });
    expect(verify.stdout + verify.stderr).toContain('3 consumers at their locked digests');
    await rm(dir, { recursive: true, force: true });
  }, 90_000);
});
