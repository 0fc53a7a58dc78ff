// Bench: reconcile end to end (the real CLI as a subprocess) over 100 streams × 10 scheduled tags in a local
// registry: (a) nothing moved upstream (1,000 HEADs, no write), (b) 10% of the tags moved. Baseline in the same
// run: `imagestreams validate` on the same tree (process start + load + validate, no registry).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeImage, pool, pushImage, startRegistry } from '../scripts/lib/registry.js';

const run = promisify(execFile);
const STREAMS = 100;
const TAGS = 10;
const BIN = join(import.meta.dirname, '..', 'bin', 'imagestreams.js');

const reg = await startRegistry();
const dir = mkdtempSync(join(tmpdir(), 'bench-reconcile-'));
try {
  mkdirSync(join(dir, 'imagestreams'));
  const t0 = performance.now();
  await pool(
    Array.from({ length: STREAMS * TAGS }, (_, i) => i),
    16,
    (i) =>
      pushImage(reg.url, `bench/s${Math.floor(i / TAGS)}`, [`t${i % TAGS}`], makeImage({ seed: `v1-${i}` })),
  );
  for (let s = 0; s < STREAMS; s++) {
    const tags = Array.from(
      { length: TAGS },
      (_, t) =>
        `    - name: t${t}\n      from: {kind: DockerImage, name: "${reg.host}/bench/s${s}:t${t}"}\n      importPolicy: {scheduled: true}\n`,
    ).join('');
    writeFileSync(
      join(dir, 'imagestreams', `s${s}.yaml`),
      `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: s${s}\nspec:\n  tags:\n${tags}`,
    );
  }
  console.log(`pushed ${STREAMS * TAGS} tags in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const timed = async (args) => {
    const start = performance.now();
    const { stdout } = await run(process.execPath, [BIN, ...args], { cwd: dir, maxBuffer: 64 << 20 });
    const wall = performance.now() - start;
    return { wall, stdout };
  };
  const maxRss = async (args) => {
    const { stderr } = await run('/usr/bin/env', ['time', '-f', '%M', process.execPath, BIN, ...args], {
      cwd: dir,
      maxBuffer: 64 << 20,
    }).catch((e) => e);
    const kb = Number(String(stderr).trim().split('\n').pop());
    return Number.isFinite(kb) ? `${(kb / 1024).toFixed(0)} MB` : 'n/a';
  };

  await timed(['reconcile', '--json']); // first import, fills the lock
  const base = await timed(['validate']);
  const noop = await timed(['reconcile', '--json']);
  const noopResult = JSON.parse(noop.stdout);
  const noopRss = await maxRss(['reconcile', '--json']);
  // Move 10% of the tags upstream.
  await pool(
    Array.from({ length: (STREAMS * TAGS) / 10 }, (_, k) => k * 10),
    16,
    (i) =>
      pushImage(reg.url, `bench/s${Math.floor(i / TAGS)}`, [`t${i % TAGS}`], makeImage({ seed: `v2-${i}` })),
  );
  const moved = await timed(['reconcile', '--json']);
  const movedResult = JSON.parse(moved.stdout);
  const movedChanges = movedResult.changes.reduce((n, c) => n + c.tags.length, 0);
  for (let k = 0; k < (STREAMS * TAGS) / 10; k++) {
    const i = k * 10;
    await pushImage(
      reg.url,
      `bench/s${Math.floor(i / TAGS)}`,
      [`t${i % TAGS}`],
      makeImage({ seed: `v3-${i}` }),
    );
  }
  const movedRss = await maxRss(['reconcile', '--json']);

  const row = (name, r, extra) =>
    console.log(
      `${name.padEnd(34)} ${r.wall.toFixed(0).padStart(6)} ms  ${(r.wall / base.wall).toFixed(2).padStart(5)}× validate  ${extra}`,
    );
  console.log(`baseline: validate (start + load + validate) ${base.wall.toFixed(0)} ms`);
  row(
    'no-op reconcile, 1,000 tags',
    noop,
    `requests ${noopResult.requests} (${(noopResult.requests / (STREAMS * TAGS)).toFixed(2)}/tag), wrote ${noopResult.written.length} files, peak RSS ${noopRss}  [target < 2000 ms]`,
  );
  row(
    '10% moved (100 tags + followers)',
    moved,
    `${movedChanges} tag changes, wrote ${movedResult.written.length} lock files, peak RSS ${movedRss}`,
  );
} finally {
  await reg.stop();
  rmSync(dir, { recursive: true, force: true });
}
