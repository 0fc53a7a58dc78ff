#!/usr/bin/env node
// `npm run demo`: the main job on the bundled example (examples/demo) against a real local registry that this
// script starts and fills with sample images. Works offline. It shows: validation, the first import (lock
// written, consumers pinned), `describe` / `get`, an upstream move and the pull request body it would open,
// `verify`, and a rollback. The repository copy is left in a temp folder for you to look at.

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeImage, makeIndex, pushImage, pushIndex, startRegistry } from './lib/registry.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'imagestreams.js');
const { renderPullRequestBody } = await import(join(ROOT, 'build', 'render', 'pr-body.js')).catch(() => {
  console.error('The project is not built yet: run `npm install` (it builds), then `npm run demo`.');
  process.exit(2);
});

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const step = (n, title) => console.log(`\n${bold(`── ${n}. ${title} `.padEnd(78, '─'))}`);
const indent = (text) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

function cli(cwd, ...args) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_TOKEN: '', CI: 'true' },
  });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}
function show(cwd, ...args) {
  console.log(`  $ imagestreams ${args.join(' ')}`);
  const r = cli(cwd, ...args);
  if (r.out.trim()) console.log(indent(r.out));
  console.log(`    (exit ${r.code})`);
  return r;
}
function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const LABELS = (rev) => ({
  'org.opencontainers.image.source': 'https://github.com/example/python-images',
  'org.opencontainers.image.revision': rev,
  'org.opencontainers.image.version': '3.12',
});
const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
];

const reg = await startRegistry();
try {
  step(1, `A local registry at ${reg.host} with sample images`);
  const py312 = makeIndex({
    seed: 'py312-a',
    platforms: PLATFORMS,
    attestation: true,
    labels: LABELS('1111111111111111111111111111111111111111'),
    created: '2026-11-20T08:00:00Z',
  });
  await pushIndex(reg.url, 'library/python', '3.12', py312);
  await pushImage(reg.url, 'library/python', '3.11', makeImage({ seed: 'py311-a' }));
  await pushImage(reg.url, 'shop/web', '1.4.2', makeImage({ format: 'oci', seed: 'web-142' }));
  console.log('  library/python:3.12  OCI index: linux/amd64, linux/arm64/v8 (+ an attestation entry)');
  console.log('  library/python:3.11  Docker schema 2, single platform');
  console.log('  shop/web:1.4.2       OCI manifest, single platform');

  step(2, 'The example repository (examples/demo), copied and committed');
  const repo = mkdtempSync(join(tmpdir(), 'imagestreams-demo-'));
  cpSync(join(ROOT, 'examples', 'demo'), repo, { recursive: true });
  for (const f of walk(repo)) {
    writeFileSync(f, readFileSync(f, 'utf8').replaceAll('localhost:5000', reg.host));
  }
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, '-c', 'user.name=demo', '-c', 'user.email=demo@example.com', 'add', '-A');
  git(repo, '-c', 'user.name=demo', '-c', 'user.email=demo@example.com', 'commit', '-qm', 'example');
  console.log(`  ${repo}`);
  for (const f of walk(repo).filter((p) => !p.includes('/.git/'))) console.log(`    ${relative(repo, f)}`);
  show(repo, 'validate');

  step(3, 'First reconcile: every tag resolved, the lock written, consumers pinned');
  show(repo, 'reconcile', '--publish', 'none');
  console.log(indent(git(repo, 'status', '--short')));
  const lock = JSON.parse(readFileSync(join(repo, 'imagestreams.lock/shop/python.json'), 'utf8'));
  const t312 = lock.status.tags.find((t) => t.tag === '3.12').items[0];
  console.log(`  python:3.12 locked to the index ${t312.image}`);
  for (const p of t312.platforms) {
    console.log(
      `    ${`${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`.padEnd(16)} ${p.digest}`,
    );
  }
  console.log('  deploy/web.yaml now says:');
  console.log(
    indent(
      readFileSync(join(repo, 'deploy/web.yaml'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('image:'))
        .join('\n'),
    ),
  );
  git(repo, '-c', 'user.name=demo', '-c', 'user.email=demo@example.com', 'commit', '-qam', 'lock');
  git(repo, 'add', '-A');
  git(repo, '-c', 'user.name=demo', '-c', 'user.email=demo@example.com', 'commit', '-qm', 'lock files');

  step(4, 'describe and get, as oc prints them');
  show(repo, 'describe', 'python');
  show(repo, 'get');

  step(5, 'Nothing moved upstream: a second reconcile changes nothing');
  show(repo, 'reconcile', '--publish', 'none');
  console.log(`  git status: ${git(repo, 'status', '--short').trim() || 'clean'}`);

  step(6, 'Upstream moves python:3.12 and python:3.11 (3.11 is not scheduled, so it stays put)');
  await pushIndex(
    reg.url,
    'library/python',
    '3.12',
    makeIndex({
      seed: 'py312-b',
      platforms: [PLATFORMS[0]],
      labels: LABELS('2222222222222222222222222222222222222222'),
      created: '2026-11-27T06:00:00Z',
    }),
  );
  await pushImage(reg.url, 'library/python', '3.11', makeImage({ seed: 'py311-b' }));
  const r = cli(repo, 'reconcile', '--publish', 'none', '--metadata', '--json');
  const result = JSON.parse(r.stdout);
  for (const c of result.changes) {
    for (const t of c.tags)
      console.log(`  ${t.kind.padEnd(6)} ${c.stream}:${t.tag}  → ${t.to?.image ?? t.error?.message}`);
  }
  for (const c of result.consumers) console.log(`  consumer ${c.file}:${c.line} ${c.target}`);
  console.log(indent(git(repo, 'diff', '--stat')));

  step(7, 'The pull request body a reviewer would get for this bump (publish mode pull-request)');
  console.log(indent(renderPullRequestBody(result.changes, result.consumers)));

  step(8, 'verify: every consumer is at its locked digest (a required check on PRs)');
  show(repo, 'verify');

  step(9, 'The new python:3.12 lost arm64: roll back to the previous image');
  show(repo, 'rollback', 'python:3.12');
  show(repo, 'describe', 'python');

  step(10, 'verify after the rollback: the whole follower chain (shop:base too) went back with it');
  show(repo, 'verify');

  console.log(`\nDone. The example repository is in ${repo} (git log, git diff HEAD~1 to look around).`);
} finally {
  await reg.stop();
}
