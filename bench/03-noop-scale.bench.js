// Bench: reconcile at scale, the real CLI as a subprocess against a local Distribution registry. Projects of
// 1,000 and 10,000 scheduled tags (100 per stream file); with BENCH_SCALE_100K=1 also 100,000 (1,000 files; about
// 3–5 minutes more on a 2-core machine). Figures, each against a baseline measured in this run:
// - no-op reconcile time ÷ the curl sweep (four parallel curl processes HEADing the same manifests over kept-alive
//   connections: the practical limit here), paired run by run, median of BENCH_SCALE_RUNS pairs (default 11 at
//   1,000 tags, whose runs take about a second and vary by a tenth from one to the next on a shared machine; 3 at
//   10,000; 1 at 100,000); and
//   beside it ÷ the same sweep made conditional (If-None-Match with the locked digest, as the reconciler asks once
//   the registry has shown digest ETags): the like-for-like limit;
// - fixed start-up cost: process start → first request at the registry, in ms, beside Node's own start → first
//   request (a one-line script), median of 9;
// - requests per tag, counted at the registry (a counting proxy in front of it): a no-op must be 1.00;
// - peak RSS (largest process, /usr/bin/time) of every kind of run, and time per 1,000 tags (the curve): the no-op,
//   the first import (writes every lock), then with a consumer per tag (a Deployment whose trigger follows it,
//   bench/lib/scale.js writeConsumers): the no-op, a run where every tag moved (rewrites every lock and every
//   consumer file) and verify;
// - when NODE_EXTRA_CA_CERTS is set (Node reads it at start), the no-op and Node's own start without it too.
// Benches report, they do not assert.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry } from '../scripts/lib/registry.js';
import {
  copyProject,
  countingProxy,
  curlSweep,
  manifestDigests,
  manifestUrls,
  median,
  moveAll,
  populate,
  TAGS_PER_STREAM,
  timed,
  writeConsumers,
  writeProject,
} from './lib/scale.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'imagestreams.js');
const SIZES = [1_000, 10_000, ...(process.env.BENCH_SCALE_100K ? [100_000] : [])];
function runsAt(size) {
  if (process.env.BENCH_SCALE_RUNS) return Number(process.env.BENCH_SCALE_RUNS);
  if (size <= 1_000) return 11;
  return size <= 10_000 ? 3 : 1;
}
const node = process.execPath;
const cli = (args, cwd) => timed(node, [BIN, ...args], { cwd, keep: true });
// Node 20 reads and parses the file NODE_EXTRA_CA_CERTS names when it starts, before any of our code (about 35 ms
// for a 220 KB bundle on the 2-core machine; Node 24 much less); curl reads no CA file for plain HTTP. When the
// variable is set, the no-op and the fixed cost are also measured without it, beside the figures as run.
const extraCa = process.env.NODE_EXTRA_CA_CERTS;
const { NODE_EXTRA_CA_CERTS: _ca, ...withoutCa } = process.env;
const cliWithoutCa = (args, cwd) => timed(node, [BIN, ...args], { cwd, keep: true, env: withoutCa });
const fmt = (n, d = 0) => n.toFixed(d);
const mb = (n) => `${fmt(n)} MB`;

const reg = await startRegistry();
const work = mkdtempSync(join(tmpdir(), 'bench-scale-'));
const proxy = await countingProxy(reg.url);
try {
  const t0 = performance.now();
  const maxStreams = SIZES.at(-1) / TAGS_PER_STREAM;
  const digests = await populate(reg, maxStreams);
  console.log(
    `registry: ${SIZES.at(-1)} tags in ${maxStreams} repositories, ready in ${fmt((performance.now() - t0) / 1000, 1)} s`,
  );

  const rows = [];
  for (const size of SIZES) {
    const streams = size / TAGS_PER_STREAM;
    const dir = join(work, `p${size}`);
    writeProject(dir, reg, streams);
    const first = await cli(['reconcile'], dir);
    if (first.code !== 0)
      throw new Error(`first reconcile of ${size} tags exited ${first.code}\n${first.stderr}`);
    const pairs = [];
    const urls = manifestUrls(reg.url, streams);
    const etags = manifestDigests(streams, digests);
    for (let r = 0; r < runsAt(size); r++) {
      const noop = await cli(['reconcile'], dir);
      const curl = await curlSweep(urls, work);
      const conditional = await curlSweep(urls, work, etags);
      const noopWithoutCa = extraCa ? await cliWithoutCa(['reconcile'], dir) : undefined;
      pairs.push({ noop, curl, conditional, noopWithoutCa });
    }
    // The same project, its lock included, through the counting proxy (up to 10,000 tags: the count is per tag).
    let json = { written: [] };
    proxy.reset();
    if (size <= 10_000) {
      const pdir = join(work, `p${size}-proxy`);
      copyProject(dir, pdir, reg.host, proxy.host);
      const counted = await timed(node, [BIN, 'reconcile', '--json'], { cwd: pdir, keep: true });
      json = JSON.parse(counted.stdout);
      rmSync(pdir, { recursive: true, force: true });
    }
    rows.push({
      size,
      first,
      noop: median(pairs.map((p) => p.noop.wall)),
      curl: median(pairs.map((p) => p.curl)),
      ratio: median(pairs.map((p) => p.noop.wall / p.curl)),
      conditional: median(pairs.map((p) => p.conditional)),
      conditionalRatio: median(pairs.map((p) => p.noop.wall / p.conditional)),
      noopRss: Math.max(...pairs.map((p) => p.noop.rssMb)),
      ...(extraCa
        ? {
            noopWithoutCa: median(pairs.map((p) => p.noopWithoutCa.wall)),
            ratioWithoutCa: median(pairs.map((p) => p.noopWithoutCa.wall / p.curl)),
          }
        : {}),
      perTag: proxy.state.requests / size,
      byMethod: { ...proxy.state.byMethod },
      written: json.written.length,
    });
  }

  // Fixed cost: process start → first request at the registry, on the smallest project.
  const fixedDir = join(work, 'fixed');
  copyProject(join(work, `p${SIZES[0]}`), fixedDir, reg.host, proxy.host);
  const oneRequest = `require('node:http').request('http://${proxy.host}/v2/', (r) => r.resume()).end()`;
  const fixed = [];
  const floor = [];
  const floorWithoutCa = [];
  for (let r = 0; r < 9; r++) {
    proxy.reset();
    const run = await timed(node, [BIN, 'reconcile'], { cwd: fixedDir });
    fixed.push(proxy.state.first - run.start);
    proxy.reset();
    const bare = await timed(node, ['-e', oneRequest], { cwd: fixedDir });
    floor.push(proxy.state.first - bare.start);
    if (!extraCa) continue;
    proxy.reset();
    const clean = await timed(node, ['-e', oneRequest], { cwd: fixedDir, env: withoutCa });
    floorWithoutCa.push(proxy.state.first - clean.start);
  }

  // With a consumer per tag: the no-op, then every tag moved upstream (every lock and consumer file rewritten),
  // then verify.
  for (const row of rows) {
    const dir = join(work, `p${row.size}`);
    writeConsumers(dir, reg, row.size / TAGS_PER_STREAM);
    const pinned = await cli(['reconcile'], dir);
    if (pinned.code !== 0) throw new Error(`pinning the consumers of ${row.size} tags exited ${pinned.code}`);
    row.withConsumers = await cli(['reconcile'], dir);
  }
  moveAll(reg, maxStreams, digests);
  for (const row of rows) {
    const dir = join(work, `p${row.size}`);
    row.moved = await cli(['reconcile'], dir);
    row.verify = await cli(['verify'], dir);
    if (row.moved.code !== 0 || row.verify.code !== 0)
      throw new Error(
        `every tag moved (${row.size} tags): reconcile ${row.moved.code}, verify ${row.verify.code}`,
      );
  }

  console.log(
    `curl sweep limit (4 × curl, kept-alive HEADs): ${rows.map((r) => `${r.size} tags ${fmt(r.curl)} ms`).join(', ')}`,
  );
  console.log(
    `  the same HEADs made conditional (If-None-Match with the locked digest, as the reconciler sends once the registry shows digest ETags; answered 304): ${rows.map((r) => `${r.size} tags ${fmt(r.conditional)} ms`).join(', ')}`,
  );
  const target = { 1000: '≤ 1.3×', 10000: '≤ 1.2×' };
  const counts = (r) =>
    `  requests/tag ${fmt(r.perTag, 2)} (${Object.entries(r.byMethod)
      .map(([m, n]) => `${m} ${n}`)
      .join(', ')}), wrote ${r.written} files`;
  for (const r of rows) {
    console.log(
      `no-op reconcile, ${String(r.size).padStart(6)} tags ${fmt(r.noop).padStart(7)} ms  ${fmt(r.ratio, 2)}× curl sweep` +
        `${target[r.size] ? ` [target ${target[r.size]}]` : ''} (${fmt(r.conditionalRatio, 2)}× the conditional sweep)` +
        `${r.size <= 10_000 ? counts(r) : ''}, peak RSS ${mb(r.noopRss)}`,
    );
  }
  if (extraCa) {
    console.log(
      `  the same no-op with NODE_EXTRA_CA_CERTS unset (it is set here; Node reads that file at start, curl only for HTTPS): ` +
        rows
          .map((r) => `${r.size} tags ${fmt(r.noopWithoutCa)} ms ${fmt(r.ratioWithoutCa, 2)}× curl sweep`)
          .join(', '),
    );
  }
  console.log(
    `fixed cost to the first registry request: ${fmt(median(fixed))} ms, of which ${fmt(median(fixed) - median(floor))} ms ours [target < 100 ms]` +
      ` (Node's own start to a first request ${fmt(median(floor))} ms, ${fmt(median(fixed) / median(floor), 2)}×` +
      `${extraCa ? `; ${fmt(median(floorWithoutCa))} ms without NODE_EXTRA_CA_CERTS` : ''})`,
  );
  console.log('curve (per 1,000 tags; ratio to the 1,000-tag figure), peak RSS of each kind of run:');
  const base = rows[0];
  const kind = (r, name, key) =>
    `${name} ${fmt(r[key].wall / (r.size / 1000))} ms/1k (${fmt(r[key].wall / r.size / (base[key].wall / base.size), 2)}×), RSS ${mb(r[key].rssMb)}`;
  for (const r of rows) {
    const k = r.size / 1000;
    console.log(
      `  ${String(r.size).padStart(6)} tags  no-op ${fmt(r.noop / k)} ms/1k (${fmt(r.noop / k / base.noop, 2)}×), RSS ${mb(r.noopRss)}` +
        ` | ${kind(r, 'first import', 'first')}`,
    );
    console.log(
      `                with a consumer per tag: ${kind(r, 'no-op', 'withConsumers')} | ${kind(r, 'every tag moved', 'moved')}` +
        ` | ${kind(r, 'verify', 'verify')}${r.size === 10_000 ? ' [target RSS < 150 MB for each]' : ''}`,
    );
  }
} finally {
  await proxy.close();
  await reg.stop();
  rmSync(work, { recursive: true, force: true });
}
