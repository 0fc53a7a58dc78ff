// Daemon latency: from a push (the registry's answer to the manifest PUT) to the pull request existing on the
// GitHub API. The real Distribution registry sends its notification to the daemon, which syncs its clone,
// force-imports the one stream tag, pushes the branch to a real git http-backend and opens the PR on the
// OpenAPI-validated fake (polled every 10 ms). Target: under 5 s. Ratio: latency against the daemon's own
// job duration (sync + import + publish) measured in the same run, i.e. what notification and queueing add.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import {
  daemonNotifications,
  freePort,
  makeImage,
  pushImage,
  startRegistry,
} from '../scripts/lib/registry.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { buildDaemon } = await import('../build/daemon/main.js');
const { createLogger } = await import('../build/util/logger.js');
const { runReconcile } = await import('../build/app/reconcile.js');
const { createGitHub } = await import('../build/github/client.js');

// The test harness's git server and GitHub fake (TypeScript), bundled next to node_modules so their imports
// resolve; the fake reads its OpenAPI extract relative to its own source file.
const cacheDir = join(root, 'node_modules', '.cache', 'imagestreams-bench');
await mkdir(cacheDir, { recursive: true });
async function bundle(name) {
  const src = join(root, 'test/helpers', `${name}.ts`);
  const out = join(cacheDir, `${name}.mjs`);
  await build({
    entryPoints: [src],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    logLevel: 'error',
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(src).href) },
  });
  return import(pathToFileURL(out).href);
}
const { startGitServer, createBareRepo } = await bundle('git-server');
const { startGitHubApi } = await bundle('github-api');

const PUSHES = 5;
const TOKEN = 'bench-daemon-token-0123456789';
const SECRET = 'bench-daemon-secret';
const work = await mkdtemp(join(tmpdir(), 'imagestreams-bench-daemon-'));
const port = await freePort();
const registry = await startRegistry({
  notifications: daemonNotifications(`http://127.0.0.1:${port}/webhooks/distribution`, SECRET),
});
const git = await startGitServer({ token: TOKEN });
let api;
let daemon;
try {
  // One stream per pushed repository, locked at v1 on main.
  const files = { 'README.md': 'bench\n' };
  const declarations = {};
  for (let i = 0; i < PUSHES; i++) {
    await pushImage(registry.url, `bench/app${i}`, '1.0', makeImage({ seed: `app${i}-v1` }));
    declarations[`imagestreams/app${i}.yaml`] =
      `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: app${i}\nspec:\n  tags:\n` +
      `    - name: "1.0"\n      from: {kind: DockerImage, name: "${registry.host}/bench/app${i}:1.0"}\n`;
  }
  const seed = join(work, 'seed');
  for (const [p, text] of Object.entries(declarations)) {
    await mkdir(dirname(join(seed, p)), { recursive: true });
    await writeFile(join(seed, p), text);
    files[p] = text;
  }
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const seedIO = {
    stdout() {},
    stderr() {},
    env: {},
    cwd: seed,
    now: () => new Date(),
    isTTY: false,
    logger: silent,
  };
  const seeded = await runReconcile(seedIO, {});
  for (const f of seeded.written) files[f] = await readFile(join(seed, f), 'utf8');
  const bare = await createBareRepo(git.root, 'bench', files);
  api = await startGitHubApi({ owner: 'acme', repo: 'bench', token: TOKEN, bareRepo: bare });

  const logs = [];
  const logger = createLogger((l) => logs.push(l), { json: true });
  daemon = buildDaemon(
    {
      host: '127.0.0.1',
      port,
      source: { kind: 'clone', url: `${git.url}/bench.git`, dir: join(work, 'clone') },
      token: TOKEN,
      repository: 'acme/bench',
      secret: SECRET,
      octokit: createGitHub({ token: TOKEN, baseUrl: api.url, retries: 0, throttle: false }),
    },
    { ...seedIO, cwd: work, logger },
    logger,
  );
  await daemon.start();
  await daemon.idle();

  const latencies = [];
  for (let i = 0; i < PUSHES; i++) {
    const img = makeImage({ seed: `app${i}-v2` });
    await pushImage(registry.url, `bench/app${i}`, '1.0', img);
    const t0 = performance.now();
    const branch = `imagestreams/default/app${i}`;
    while (!api.pulls.some((p) => p.head === branch)) {
      if (performance.now() - t0 > 30_000) throw new Error(`no PR for ${branch} after 30 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
    latencies.push(performance.now() - t0);
    await daemon.idle();
  }
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const sum = Number(/imagestreams_run_duration_seconds_sum (\S+)/.exec(metrics)[1]);
  const count = Number(/imagestreams_run_duration_seconds_count (\S+)/.exec(metrics)[1]);
  const sorted = [...latencies].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const max = sorted.at(-1);
  const jobMs = (sum / count) * 1000;
  process.stdout.write(`pushes: ${PUSHES}, each to its own stream; PRs opened: ${api.pulls.length}\n`);
  process.stdout.write(`push → PR latency: ${latencies.map((x) => x.toFixed(0)).join(', ')} ms\n`);
  process.stdout.write(
    `median ${median.toFixed(0)} ms, max ${max.toFixed(0)} ms (target < 5000 ms: ${max < 5000 ? 'met' : 'MISSED'})\n`,
  );
  process.stdout.write(
    `baseline: mean daemon job (sync + import + publish) ${jobMs.toFixed(0)} ms over ${count} runs; ` +
      `median latency / job = ${(median / jobMs).toFixed(2)}x\n`,
  );
  process.stdout.write(`GitHub API schema violations: ${api.violations.length}\n`);
  process.stdout.write(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`);
} finally {
  await daemon?.stop();
  await api?.close();
  await git.close();
  await registry.stop();
  await rm(work, { recursive: true, force: true });
}
