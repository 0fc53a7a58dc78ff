// Helpers for the scale bench (bench/03-noop-scale.bench.js): a synthetic project of N scheduled tags (100 per
// stream file, one repository per stream) in a local Distribution registry, the curl sweep over the same
// manifests, a counting proxy, and a child process timed by /usr/bin/time (wall seconds and peak RSS).
//
// Tags beyond the first of each repository are written straight into the registry's filesystem storage (the
// tag's `current/link` and `index/` link, exactly what a manifest PUT leaves behind): pushing 100,000 manifests
// over HTTP would take minutes on a busy 2-core machine and measures nothing this bench is about.

import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join, relative } from 'node:path';
import { makeImage, pool, pushImage } from '../../scripts/lib/registry.js';

export const TAGS_PER_STREAM = 100;
export const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const repoDir = (reg, repo) => join(reg.dataDir, 'docker', 'registry', 'v2', 'repositories', repo);

/** Point `repo:tag` at `digest` (a manifest already in the repository) the way a manifest PUT does. */
function linkTag(reg, repo, tag, digest) {
  const tagDir = join(repoDir(reg, repo), '_manifests', 'tags', tag);
  mkdirSync(join(tagDir, 'current'), { recursive: true });
  mkdirSync(join(tagDir, 'index', 'sha256', digest.slice(7)), { recursive: true });
  writeFileSync(join(tagDir, 'current', 'link'), digest);
  writeFileSync(join(tagDir, 'index', 'sha256', digest.slice(7), 'link'), digest);
}

/**
 * Fill the registry for `streams` repositories `bench/s<i>` with tags t0…t99: image v1 pushed over HTTP as t0,
 * image v2 pushed by digest (for later moves), the other tags linked on disk. Returns the digests per stream.
 */
export async function populate(reg, streams) {
  return pool(
    Array.from({ length: streams }, (_, i) => i),
    8,
    async (s) => {
      const repo = `bench/s${s}`;
      const v1 = makeImage({ seed: `v1-${s}` });
      const v2 = makeImage({ seed: `v2-${s}` });
      await pushImage(reg.url, repo, ['t0'], v1);
      await pushImage(reg.url, repo, [v2.digest], v2);
      for (let t = 1; t < TAGS_PER_STREAM; t++) linkTag(reg, repo, `t${t}`, v1.digest);
      return { v1: v1.digest, v2: v2.digest };
    },
  );
}

/** Move every tag of the first `streams` repositories to image v2 (upstream moved). */
export function moveAll(reg, streams, digests) {
  for (let s = 0; s < streams; s++) {
    for (let t = 0; t < TAGS_PER_STREAM; t++) linkTag(reg, `bench/s${s}`, `t${t}`, digests[s].v2);
  }
}

/** A project directory with `streams` stream files of 100 scheduled tags each, named after the registry. */
export function writeProject(dir, reg, streams) {
  mkdirSync(join(dir, 'imagestreams'), { recursive: true });
  for (let s = 0; s < streams; s++) {
    const tags = [];
    for (let t = 0; t < TAGS_PER_STREAM; t++)
      tags.push(
        `    - name: t${t}\n      from: {kind: DockerImage, name: "${reg.host}/bench/s${s}:t${t}"}\n      importPolicy: {scheduled: true}\n`,
      );
    writeFileSync(
      join(dir, 'imagestreams', `s${s}.yaml`),
      `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: s${s}\nspec:\n  tags:\n${tags.join('')}`,
    );
  }
}

/**
 * The consumers of a project: `deploy/s<i>.yaml` per stream, one Deployment per tag whose trigger annotation
 * follows it (every tag has a consumer; a run that moves every tag rewrites every file).
 */
export function writeConsumers(dir, reg, streams) {
  mkdirSync(join(dir, 'deploy'), { recursive: true });
  for (let s = 0; s < streams; s++) {
    const docs = [];
    for (let t = 0; t < TAGS_PER_STREAM; t++) {
      const trigger = `[{"from":{"kind":"ImageStreamTag","name":"s${s}:t${t}"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"app\\")].image"}]`;
      docs.push(
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: s${s}-t${t}\n  annotations:\n    image.openshift.io/triggers: '${trigger}'\n` +
          `spec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${reg.host}/bench/s${s}:t${t}\n`,
      );
    }
    writeFileSync(join(dir, 'deploy', `s${s}.yaml`), docs.join('---\n'));
  }
}

/** The digest each URL of `manifestUrls` points at, stream by stream (`digests` from populate or moveAll). */
export function manifestDigests(streams, digests, which = 'v1') {
  const out = [];
  for (let s = 0; s < streams; s++) for (let t = 0; t < TAGS_PER_STREAM; t++) out.push(digests[s][which]);
  return out;
}

/** Every manifest URL of the first `streams` repositories. */
export function manifestUrls(base, streams) {
  const urls = [];
  for (let s = 0; s < streams; s++)
    for (let t = 0; t < TAGS_PER_STREAM; t++) urls.push(`${base}/v2/bench/s${s}/manifests/t${t}`);
  return urls;
}

/**
 * Run a command under /usr/bin/time: `{wall, rssMb, code, stdout}` (wall in ms as seen from here, RSS of the
 * largest process). stdout is kept only when `keep` is set.
 */
export function timed(cmd, args, { cwd, keep = false, env } = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '@@rss %M', cmd, ...args], {
      cwd,
      stdio: ['ignore', keep ? 'pipe' : 'ignore', 'pipe'],
      ...(env ? { env } : {}),
    });
    const out = [];
    let err = '';
    child.stdout?.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => {
      err = (err + c).slice(-8000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = performance.now() - start;
      const m = /@@rss (\d+)/.exec(err);
      resolve({
        start,
        wall,
        rssMb: m ? Number(m[1]) / 1024 : Number.NaN,
        code,
        stdout: Buffer.concat(out).toString(),
        stderr: err,
      });
    });
  });
}

/** The curl sweep: four curl processes in parallel, each HEADs its quarter of `urls` over one kept-alive connection. */
export async function curlSweep(urls, dir, etags) {
  const parts = [[], [], [], []];
  for (const [i, u] of urls.entries()) parts[i % 4].push(etags ? [u, etags[i]] : [u]);
  // With `etags`, each HEAD is conditional (If-None-Match, as the reconciler sends once it has seen digest ETags):
  // one curl config block per URL, joined by `next` (the connection stays open across them).
  const block = ([u, etag]) =>
    etag
      ? `url = "${u}"\nhead\nsilent\nheader = "Accept: ${ACCEPT}"\nheader = "If-None-Match: \\"${etag}\\""\n`
      : `url = "${u}"\n`;
  const files = parts.map((p, i) => {
    const f = join(dir, `curl-${i}.cfg`);
    writeFileSync(f, p.map(block).join(etags ? 'next\n' : ''));
    return f;
  });
  const start = performance.now();
  const codes = await Promise.all(
    files.map(
      (f) =>
        new Promise((resolve, reject) => {
          const args = etags ? ['-K', f] : ['-s', '--head', '-H', `Accept: ${ACCEPT}`, '-K', f];
          const c = spawn('curl', args, { stdio: 'ignore' });
          c.on('error', reject);
          c.on('close', resolve);
        }),
    ),
  );
  if (codes.some((c) => c !== 0)) throw new Error(`curl sweep failed: exit codes ${codes.join(', ')}`);
  return performance.now() - start;
}

/** Copy a project (declarations and locks) with every mention of `from` host replaced by `to`. */
export function copyProject(src, dst, from, to) {
  for (const f of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!f.isFile()) continue;
    const rel = relative(src, join(f.parentPath ?? f.path, f.name));
    mkdirSync(dirname(join(dst, rel)), { recursive: true });
    writeFileSync(join(dst, rel), readFileSync(join(src, rel), 'utf8').replaceAll(from, to));
  }
}

/**
 * A counting reverse proxy in front of `upstream` (a URL): counts requests by method and records when the first
 * one arrived (performance.now() of this process). `reset()` clears the counters.
 */
export async function countingProxy(upstream) {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const state = { requests: 0, byMethod: {}, first: undefined };
  const server = http.createServer((req, res) => {
    state.first ??= performance.now();
    state.requests++;
    state.byMethod[req.method] = (state.byMethod[req.method] ?? 0) + 1;
    const up = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
        agent,
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${server.address().port}`,
    state,
    reset() {
      state.requests = 0;
      state.byMethod = {};
      state.first = undefined;
    },
    close: () =>
      new Promise((r) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(r);
      }),
  };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
