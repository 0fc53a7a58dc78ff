// Publishing cost in a 5,000-file repository: commit one lock change, push it as a new branch (a PR branch)
// over smart HTTP to a real `git http-backend`, with and without refs/remotes/origin/HEAD written.
// Bytes are measured at the server (request body sizes of git-receive-pack). Ratios are against the run
// without origin/HEAD, measured in this same run.

import * as fs from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import http from 'isomorphic-git/http/node';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { commitFiles } = await import('../build/git/commit.js');
const { pushRef } = await import('../build/git/push.js');
const { writeRemoteHead } = await import('../build/git/remote.js');
const { openRepo } = await import('../build/git/repo.js');

// The test harness's git server (TypeScript) compiled next to node_modules so its imports resolve.
const cacheDir = join(root, 'node_modules', '.cache', 'imagestreams-bench');
await mkdir(cacheDir, { recursive: true });
const serverJs = join(cacheDir, 'git-server.mjs');
await build({
  entryPoints: [join(root, 'test/helpers/git-server.ts')],
  outfile: serverJs,
  format: 'esm',
  platform: 'node',
  logLevel: 'error',
});
const { startGitServer, createBareRepo, actionsCheckout, git } = await import(pathToFileURL(serverJs).href);

const FILES = 5000;
const ROUNDS = 3;
const TOKEN = 'bench-token-0123456789';
const BOT = { name: 'imagestreams[bot]', email: 'bot@imagestreams.dev', timestamp: 1_700_000_000 };
const LOCK = 'imagestreams.lock/default/python.yaml';

const work = await mkdtemp(join(tmpdir(), 'imagestreams-bench-publish-'));
const server = await startGitServer({ token: TOKEN });
try {
  const files = { [LOCK]: 'digest: sha256:0\n' };
  for (let i = 0; i < FILES; i++)
    files[`src/d${i % 50}/file${i}.txt`] = `file ${i}\n${'lorem ipsum '.repeat(4)}\n`;
  const t0 = performance.now();
  await createBareRepo(server.root, 'big', files);
  const url = `${server.url}/big.git`;
  const dir = join(work, 'checkout');
  await actionsCheckout(url, dir, { token: TOKEN });
  process.stdout.write(
    `setup: ${FILES} files, bare repo + shallow checkout in ${ms(performance.now() - t0)}\n`,
  );

  const access = { url, token: TOKEN, http };
  const repo = await openRepo({ fs, dir });
  const headRef = join(repo.gitdir, 'refs', 'remotes', 'origin', 'HEAD');

  async function once(label, round, withHead) {
    await rm(headRef, { force: true });
    if (withHead) await writeRemoteHead(repo, 'main');
    await writeFile(join(dir, LOCK), `digest: sha256:${label}-${round}\n`);
    const before = server.pushBytes();
    const t = performance.now();
    const c = await commitFiles({
      repo,
      files: [LOCK],
      message: `bump ${label} ${round}`,
      author: BOT,
      parent: repo.head,
      ref: `refs/imagestreams/${label}${round}`,
    });
    const tc = performance.now();
    const p = await pushRef({
      repo,
      access,
      localRef: `refs/imagestreams/${label}${round}`,
      branch: `${label}${round}`,
      expected: null,
    });
    const tp = performance.now();
    if (p.oid !== c.oid) throw new Error('push did not land');
    return {
      commitMs: tc - t,
      pushMs: tp - tc,
      serverBytes: server.pushBytes() - before,
      clientBytes: p.uploadedBytes,
    };
  }

  const results = { without: [], with: [] };
  for (let r = 0; r < ROUNDS; r++) {
    results.without.push(await once('without', r, false));
    results.with.push(await once('with', r, true));
  }
  const check = await git(join(server.root, 'big.git'), ['fsck', '--connectivity-only']);
  const med = (xs, k) => xs.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const row = (name, xs) =>
    `${name.padEnd(28)} commit ${ms(med(xs, 'commitMs')).padStart(8)}  push ${ms(med(xs, 'pushMs')).padStart(8)}  uploaded ${String(med(xs, 'serverBytes')).padStart(9)} B (server)`;
  process.stdout.write(`median of ${ROUNDS} rounds, new branch per push (the pull-request case):\n`);
  process.stdout.write(`${row('without origin/HEAD (base)', results.without)}\n`);
  process.stdout.write(`${row('with origin/HEAD', results.with)}\n`);
  const bytesRatio = med(results.without, 'serverBytes') / med(results.with, 'serverBytes');
  const timeRatio =
    (med(results.without, 'commitMs') + med(results.without, 'pushMs')) /
    (med(results.with, 'commitMs') + med(results.with, 'pushMs'));
  process.stdout.write(
    `ratio without/with origin/HEAD: ${bytesRatio.toFixed(0)}x fewer bytes, ${timeRatio.toFixed(1)}x faster\n`,
  );
  process.stdout.write(`server fsck: ${check.trim() === '' ? 'ok' : check}\n`);
  const ru = process.resourceUsage();
  process.stdout.write(`peak RSS ${(ru.maxRSS / 1024).toFixed(0)} MB\n`);
} finally {
  await server.close();
  await rm(work, { recursive: true, force: true });
}

function ms(x) {
  return `${x.toFixed(0)} ms`;
}
