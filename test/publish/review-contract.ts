// The review contract, as a generated property over real parts: a real Distribution registry, real git repositories
// served by git http-backend, and the OpenAPI-validated GitHub fake. Each case declares 1–6 streams across two
// namespaces (followers within and across streams and namespaces, sometimes a config group, sometimes with a schedule
// window, sometimes a limit on open PRs; some tags named like releases, whose moves get PRs of their own), consumer
// files shared between streams (compose files with markers, Deployments whose sidecars follow other streams, Helm
// values whose split repository/tag/digest fields follow several streams), random upstream moves; then merges any
// subset of the open PRs in any order, with a reconcile
// (a fresh checkout, as the scheduled Action makes) between merges. After every merge:
//   - `verify` passes on the default branch (every consumer is at its lock);
//   - no open PR carries a lock or a consumer value of a stream outside its group, and none has an empty diff;
// and when every PR was merged, the default branch equals what one commit-mode run would have produced.
// Reruns with nothing new (fresh checkout or reused work tree) push nothing and write nothing to the API.
// A failure prints fast-check's seed and path; replay with IMAGESTREAMS_PROPERTY_SEED / _PATH.

import * as fs from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import igit from 'isomorphic-git';
import { describe, expect, it } from 'vitest';
import { makeImage, pushImage } from '../../scripts/lib/registry.js';
import { runJob } from '../../src/app/job.js';
import { findInFile } from '../../src/consumers/index.js';
import { main } from '../../src/entry/cli.js';
import { createGitHub } from '../../src/github/client.js';
import { captureIO } from '../helpers/capture-io.js';
import { git } from '../helpers/git-server.js';
import { type HostedRepo, hostedRepo } from '../helpers/hosted-repo.js';
import { type RealParts, useRealParts } from '../helpers/real-parts.js';

const TOKEN = 'ghs_propertysecret_0123456789abcdef';
/** Cases in all: the suite is split into parts (one test file each) that vitest runs in parallel. */
const RUNS = Number(process.env.IMAGESTREAMS_PROPERTY_RUNS ?? 200);
const NAMESPACES = ['default', 'prod'] as const;

/** This file's registry, git server and scratch folder (see reviewContractSuite). */
let real: RealParts;
let caseNo = 0;

/** A generated repository and what happens to it. */
interface Case {
  streams: { ns: number; tags: { follow: number | null }[] }[];
  /** Per consumer file: global tag indices (mod the number of tags) that its lines follow. */
  files: number[][];
  /** Per consumer file: a Kubernetes Deployment with the trigger annotation (else a compose file with markers). */
  kube: boolean[];
  /** Per consumer file that is not a Deployment: Helm values with split repository/tag/digest fields instead. */
  helm: boolean[];
  /** Per tag: whether its upstream moves (docker tags only). */
  moves: boolean[];
  /** 0: no config group; n: the first n streams form one group. */
  group: number;
  /** The config group (if any) has a schedule window: Saturdays and Mondays (UTC), closed at the first run. */
  window: boolean;
  /** 0: no limit; n: publish.maxOpenPullRequests. */
  limit: number;
  /** Per tag (global order): named like a release (`1.<stream>.<n>`), so a move goes into a PR of its own. */
  release: boolean[];
  merges: number[];
  mergeAll: boolean;
  rerun: 'fresh' | 'reused' | 'none';
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  streams: fc.array(
    fc.record({
      ns: fc.nat({ max: 1 }),
      tags: fc.array(fc.record({ follow: fc.option(fc.nat({ max: 11 }), { freq: 2 }) }), {
        minLength: 1,
        maxLength: 2,
      }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  files: fc.array(fc.array(fc.nat({ max: 11 }), { minLength: 1, maxLength: 4 }), {
    minLength: 1,
    maxLength: 3,
  }),
  kube: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  helm: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  moves: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  group: fc.nat({ max: 3 }),
  window: fc.boolean(),
  limit: fc.nat({ max: 3 }),
  release: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  merges: fc.array(fc.nat({ max: 20 }), { minLength: 6, maxLength: 12 }),
  mergeAll: fc.boolean(),
  rerun: fc.constantFrom('fresh' as const, 'reused' as const, 'none' as const),
});

interface Tag {
  ns: string;
  stream: string;
  tag: string;
  /** The global index of the tag followed; undefined for a DockerImage tag. */
  follows?: number;
  repo: string;
}

/** The files of a case, and its tags (global order). */
function materialise(c: Case, id: string) {
  const tags: Tag[] = [];
  const files: Record<string, string> = {};
  c.streams.forEach((s, i) => {
    const ns = NAMESPACES[s.ns]!;
    const stream = `s${i}`;
    const lines = [
      'apiVersion: image.openshift.io/v1',
      'kind: ImageStream',
      `metadata: {name: ${stream}, namespace: ${ns}}`,
      'spec:',
      '  tags:',
    ];
    s.tags.forEach((t, j) => {
      const name = c.release[tags.length] ? `1.${i}.${j}` : `t${j}`;
      const target = t.follow !== null && tags.length > 0 ? t.follow % tags.length : undefined;
      const entry: Tag = { ns, stream, tag: name, repo: `${id}/${stream}-t${j}` };
      lines.push(`    - name: "${name}"`);
      if (target !== undefined) {
        const to = tags[target]!;
        entry.follows = target;
        const ref = to.stream === stream ? to.tag : `${to.stream}:${to.tag}`;
        const nsPart = to.ns !== ns ? `, namespace: ${to.ns}` : '';
        lines.push(`      from: {kind: ImageStreamTag, name: "${ref}"${nsPart}}`);
      } else {
        lines.push(`      from: {kind: DockerImage, name: "${real.reg.host}/${entry.repo}:v"}`);
        lines.push('      importPolicy: {scheduled: true}');
      }
      tags.push(entry);
    });
    files[`imagestreams/${stream}.yaml`] = `${lines.join('\n')}\n`;
  });
  c.files.forEach((picks, k) => {
    const followed = picks.map((p) => tags[p % tags.length]!);
    if (c.kube[k]) {
      // A Deployment whose containers (app and sidecars) follow different streams through the trigger annotation.
      const triggers = followed.map((t, n) => ({
        from: { kind: 'ImageStreamTag', name: `${t.stream}:${t.tag}`, namespace: t.ns },
        fieldPath: `spec.template.spec.containers[?(@.name=="c${n}")].image`,
      }));
      const out = [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        `  name: web${k}`,
        '  annotations:',
        `    image.openshift.io/triggers: '${JSON.stringify(triggers)}'`,
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        ...followed.flatMap((_, n) => [
          `        - name: c${n}`,
          '          image: example.invalid/placeholder:0',
        ]),
      ];
      files[`deploy/deployment-${k}.yaml`] = `${out.join('\n')}\n`;
      return;
    }
    if (c.helm[k]) {
      // Helm values keeping repository, tag and digest apart, one image per stream tag followed.
      const out = followed.flatMap((t, n) => {
        const marker = (part: string) => `# imagestream: ${t.ns}/${t.stream}:${t.tag}:${part}`;
        return [
          `img${n}:`,
          `  repository: example.invalid/placeholder ${marker('repository')}`,
          `  tag: "0" ${marker('tag')}`,
          `  digest: "" ${marker('digest')}`,
        ];
      });
      files[`deploy/values-${k}.yaml`] = `${out.join('\n')}\n`;
      return;
    }
    const out = ['services:'];
    followed.forEach((t, n) => {
      out.push(
        `  svc${n}:`,
        `    image: example.invalid/placeholder:0 # imagestream: ${t.ns}/${t.stream}:${t.tag}`,
      );
    });
    files[`deploy/compose-${k}.yaml`] = `${out.join('\n')}\n`;
  });
  const config = ['publish:', '  mode: pull-request'];
  if (c.group > 0) {
    const members = c.streams.slice(0, c.group).map((s, i) => `${NAMESPACES[s.ns]}/s${i}`);
    config.push('  groups:', `    - name: bases`, `      streams: [${members.join(', ')}]`);
    if (c.window) config.push('      schedule: {days: [sat, mon], timezone: UTC}');
  }
  if (c.limit > 0) config.push(`  maxOpenPullRequests: ${c.limit}`);
  files['.imagestreams.yaml'] = `${config.join('\n')}\n`;
  return { files, tags };
}

/** Which group a stream (`ns/name`) belongs to: `bases` or its own id. */
function groupOf(c: Case, id: string): string {
  const members = new Set(c.streams.slice(0, c.group).map((s, i) => `${NAMESPACES[s.ns]}/s${i}`));
  return members.has(id) ? 'bases' : id;
}

/** Lock and consumer files of a ref of the bare repository, read in-process (no git process per file). */
async function filesAt(bare: string, ref: string): Promise<Map<string, string>> {
  const oid = await igit.resolveRef({ fs, gitdir: bare, ref });
  const out = new Map<string, string>();
  const walk = async (tree: string, prefix: string): Promise<void> => {
    const { tree: entries } = await igit.readTree({ fs, gitdir: bare, oid: tree });
    for (const e of entries) {
      const path = `${prefix}${e.path}`;
      if (e.type === 'tree') {
        if (path === 'imagestreams.lock' || path.startsWith('imagestreams.lock/') || path === 'deploy')
          await walk(e.oid, `${path}/`);
      } else if (path.startsWith('imagestreams.lock/') || path.startsWith('deploy/')) {
        const { blob } = await igit.readBlob({ fs, gitdir: bare, oid: e.oid });
        out.set(path, Buffer.from(blob).toString('utf8'));
      }
    }
  };
  const { commit } = await igit.readCommit({ fs, gitdir: bare, oid });
  await walk(commit.tree, '');
  return out;
}

/**
 * A fresh checkout of main, as a scheduled job starts from, made in-process: the bare repository's objects copied
 * under `.git` (no git process, no HTTP round trip), main checked out, origin set to the HTTP URL that every
 * listing, fetch and push of the run goes to. The PR branches are not local, as after actions/checkout.
 */
async function checkout(repo: HostedRepo, suffix: string): Promise<string> {
  const dir = join(real.work, `${repo.name}${suffix}`);
  const gitdir = join(dir, '.git');
  await fs.promises.cp(repo.bare, gitdir, { recursive: true });
  await fs.promises.rm(join(gitdir, 'refs', 'heads', 'imagestreams'), { recursive: true, force: true });
  await igit.setConfig({ fs, dir, path: 'core.bare', value: false });
  await igit.addRemote({ fs, dir, remote: 'origin', url: repo.url, force: true });
  const tip = await igit.resolveRef({ fs, dir, ref: 'refs/heads/main' });
  await igit.writeRef({ fs, dir, ref: 'refs/remotes/origin/main', value: tip, force: true });
  await igit.checkout({ fs, dir, ref: 'main', force: true });
  return dir;
}

/** Every branch of the bare repository and its tip, read in-process. */
async function branchTips(bare: string): Promise<Map<string, string>> {
  const names = await igit.listBranches({ fs, gitdir: bare });
  return new Map(await Promise.all(names.map(async (n) => [n, await revParse(bare, n)] as [string, string])));
}

/** The tags whose lock entries differ between two lock texts. */
function lockTagsDiffering(a: string | undefined, b: string): string[] {
  const entries = (text: string | undefined) =>
    new Map<string, string>(
      ((text ? JSON.parse(text) : { status: { tags: [] } }).status.tags as { tag: string }[]).map((t) => [
        t.tag,
        JSON.stringify(t),
      ]),
    );
  const [x, y] = [entries(a), entries(b)];
  return [...new Set([...x.keys(), ...y.keys()])].filter((t) => x.get(t) !== y.get(t)).sort();
}

async function revParse(bare: string, ref: string): Promise<string> {
  return igit.resolveRef({ fs, gitdir: bare, ref });
}

/**
 * Registers part `part` of `parts` of the suite (each test file its own registry, git server and share of the
 * cases; vitest isolates each file's module state). Replay a failure with IMAGESTREAMS_PROPERTY_SEED / _PATH on
 * the part that printed it.
 */
export function reviewContractSuite(part: number, parts: number): void {
  const runs = Math.ceil(RUNS / parts);
  real = useRealParts(TOKEN, 'contract');

  describe(`the review contract (generated, part ${part} of ${parts})`, () => {
    it(`holds for ${runs} generated repositories, upstream moves and merge orders`, async () => {
      const octokitFor = (url: string) =>
        createGitHub({ token: TOKEN, baseUrl: url, retries: 0, throttle: false });
      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          const id = `c${++caseNo}`;
          const { files, tags } = materialise(c, id);
          const dockerTags = tags.map((t, i) => ({ t, i })).filter(({ t }) => t.follows === undefined);
          await Promise.all(
            dockerTags.map(({ t }) =>
              pushImage(real.reg.url, t.repo, 'v', makeImage({ seed: `${t.repo}-0` })),
            ),
          );
          const repo = await hostedRepo(real.server, real.work, id, files, TOKEN);
          const octokit = octokitFor(repo.api.url);
          let runs = 0;
          const job = async (now: string, publishMode: 'commit' | 'pull-request' | 'none', dir?: string) => {
            const cwd = dir ?? (await checkout(repo, `-r${++runs}`));
            const io = captureIO(cwd, { now });
            const r = await runJob(io, {
              github: { token: TOKEN, repository: `acme/${id}`, octokit },
              publish: { mode: publishMode },
            });
            expect(r.run.status, JSON.stringify(r.run.diagnostics)).toBe('ok');
            for (const g of r.publish?.groups ?? []) expect(g.status, JSON.stringify(g)).not.toBe('failed');
            return { r, cwd };
          };
          /** Keys of the groups the last pull-request run left waiting (window closed) or held (limit). */
          let waiting = new Set<string>();
          let deferred = false;
          /** Some group waited or was held at some run: its images' first-seen times are those of a later run. */
          let everDeferred = false;
          /** A pull-request run that checks timing: waiting groups' branches untouched, no new PR past the limit. */
          const prJob = async (now: string, dir?: string) => {
            const refs = await branchTips(repo.bare);
            const openBefore = repo.api.pulls.filter((p) => p.state === 'open').length;
            const out = await job(now, 'pull-request', dir);
            const groups = out.r.publish?.groups ?? [];
            waiting = new Set(groups.filter((g) => g.status === 'waiting').map((g) => g.key));
            deferred = groups.some((g) => g.status === 'waiting' || g.status === 'held');
            everDeferred ||= deferred;
            const after = await branchTips(repo.bare);
            for (const g of groups.filter((x) => x.status === 'waiting' || x.status === 'held')) {
              expect(after.get(g.branch!), `${g.key} ${g.status} but its branch moved`).toBe(
                refs.get(g.branch!),
              );
            }
            if (c.limit > 0) {
              const openAfter = repo.api.pulls.filter((p) => p.state === 'open').length;
              expect(openAfter).toBeLessThanOrEqual(Math.max(c.limit, openBefore));
            }
            return out;
          };
          const verifyMain = async () => {
            // The default branch as a checkout has it (declarations, config, locks, consumers).
            const cwd = await checkout(repo, `-v${++runs}`);
            const io = captureIO(cwd);
            const code = await main(['verify'], io);
            expect(code, io.out() + io.err()).toBe(0);
            await rm(cwd, { recursive: true, force: true });
          };
          try {
            // The base: one commit-mode run locks everything and pins every consumer.
            const baseRun = await job('2026-01-01T00:00:00Z', 'commit');
            await verifyMain();

            // Upstream moves (at least one when there is a registry tag).
            const moving = dockerTags.filter(({ i }) => c.moves[i]);
            if (moving.length === 0 && dockerTags.length > 0) moving.push(dockerTags[0]!);
            await Promise.all(
              moving.map(({ t }) => pushImage(real.reg.url, t.repo, 'v', makeImage({ seed: `${t.repo}-1` }))),
            );
            const T1 = '2026-01-02T00:00:00Z';
            // What one commit-mode run would make of it (not pushed).
            const reference = await job(T1, 'none', baseRun.cwd);
            const expected = new Map<string, string>();
            for (const f of Object.keys(files).filter((f) => f.startsWith('deploy/')))
              expected.set(f, await readFile(join(reference.cwd, f), 'utf8'));
            for (const t of tags) {
              const f = `imagestreams.lock/${t.ns}/${t.stream}.json`;
              expected.set(f, await readFile(join(reference.cwd, f), 'utf8'));
            }

            const first = await prJob(T1);
            await checkOpenPulls();

            if (c.rerun !== 'none') {
              const writes = repo.api.writes().length;
              const heads = await git(repo.bare, ['for-each-ref', '--format=%(refname) %(objectname)']);
              await prJob('2026-01-02T06:00:00Z', c.rerun === 'reused' ? first.cwd : undefined);
              expect(repo.api.writes().length).toBe(writes);
              expect(await git(repo.bare, ['for-each-ref', '--format=%(refname) %(objectname)'])).toBe(heads);
            }

            let day = 3;
            const nextDay = () => `2026-01-${String(day++).padStart(2, '0')}T00:00:00Z`;
            for (const pick of c.merges) {
              // A waiting group's PR is not rebuilt on a base that moved (it is not updated outside its window):
              // only PRs built on main are merged; every other one is a waiting group's.
              const main0 = await revParse(repo.bare, 'main');
              const open = [];
              for (const p of repo.api.pulls.filter((x) => x.state === 'open')) {
                const { commit } = await igit.readCommit({
                  fs,
                  gitdir: repo.bare,
                  oid: await revParse(repo.bare, p.head),
                });
                if (commit.parent[0] === main0) open.push(p);
                else
                  expect(
                    waiting.has(/<!-- imagestreams:group=([^ ]+) -->/.exec(p.body ?? '')?.[1] ?? ''),
                    p.head,
                  ).toBe(true);
              }
              if (!c.mergeAll && pick % 3 === 0) break;
              if (open.length === 0) {
                if (!deferred) break;
                await prJob(nextDay()); // a later run, when windows open and the limit leaves room
                await checkOpenPulls();
                continue;
              }
              const pr = open[pick % open.length]!;
              // A PR was rebuilt on the current base by the last reconcile: merging fast-forwards main.
              const tip = await revParse(repo.bare, pr.head);
              await igit.writeRef({ fs, gitdir: repo.bare, ref: 'refs/heads/main', value: tip, force: true });
              pr.state = 'closed';
              await verifyMain();
              await prJob(nextDay());
              await checkOpenPulls();
            }
            if (repo.api.pulls.every((p) => p.state === 'closed') && !deferred) {
              // Everything merged: the default branch is what one commit-mode run would have produced.
              const got = await filesAt(repo.bare, 'main');
              // A group that waited or was held is first seen by the run that proposed it: times aside, the same.
              const times = (t: string | undefined) =>
                everDeferred ? t?.replace(/"created": "[^"]*"/g, '"created": "…"') : t;
              for (const [f, text] of expected) expect(times(got.get(f)), f).toBe(times(text));
            }
            expect(repo.api.violations).toEqual([]);
          } finally {
            await repo.api.close();
          }

          /** Every open PR against the commit it was built on: a non-empty diff, only its group's locks and consumer values. */
          async function checkOpenPulls(): Promise<void> {
            for (const pr of repo.api.pulls.filter((p) => p.state === 'open')) {
              // The base it was built on: main, or for a waiting group's PR an older main.
              const tip = await revParse(repo.bare, pr.head);
              const { commit } = await igit.readCommit({ fs, gitdir: repo.bare, oid: tip });
              const base = await filesAt(repo.bare, commit.parent[0]!);
              const key = /<!-- imagestreams:group=([^ ]+) -->/.exec(pr.body ?? '')?.[1];
              expect(key, pr.body ?? '').toBeDefined();
              expect(pr.body).not.toMatch(/\b0 image stream tags\b/);
              const branch = await filesAt(repo.bare, pr.head);
              // A republished tag's own PR (key `ns/stream:tag`) moves that tag only, in its lock and its consumers.
              const alarm = /^([^:]+):(.+)$/.exec(key!);
              const owns = (ns: string, stream: string, tag?: string) =>
                alarm
                  ? `${ns}/${stream}` === alarm[1] && (tag === undefined || tag === alarm[2])
                  : groupOf(c, `${ns}/${stream}`) === key;
              if (alarm) {
                expect(pr.labels).toContain('imagestreams:republished');
                expect(pr.body).toContain('[!CAUTION]');
              } else expect(pr.body).not.toContain('[!CAUTION]');
              let differs = false;
              for (const [f, text] of branch) {
                if (base.get(f) === text) continue;
                differs = true;
                if (f.startsWith('imagestreams.lock/')) {
                  const [, ns, name] = /^imagestreams\.lock\/([^/]+)\/(.+)\.json$/.exec(f)!;
                  expect(owns(ns!, name!), `${pr.head} carries ${f}`).toBe(true);
                  if (alarm) {
                    const moved = lockTagsDiffering(base.get(f), text);
                    expect(moved, `${pr.head} moves ${f}`).toEqual([alarm[2]]);
                  }
                  continue;
                }
                const ours = findInFile({ path: f, text }, { defaultNamespace: 'default' }).consumers;
                const theirs = findInFile(
                  { path: f, text: base.get(f) ?? '' },
                  { defaultNamespace: 'default' },
                ).consumers;
                expect(ours.length).toBe(theirs.length);
                ours.forEach((o, n) => {
                  if (!owns(o.follows.namespace, o.follows.stream, o.follows.tag))
                    expect(o.current, `${pr.head} moved ${f}:${o.line} of another PR`).toBe(
                      theirs[n]!.current,
                    );
                });
              }
              expect(differs, `${pr.head} has an empty diff`).toBe(true);
            }
          }
        }),
        {
          numRuns: runs,
          ...(process.env.IMAGESTREAMS_PROPERTY_SEED
            ? { seed: Number(process.env.IMAGESTREAMS_PROPERTY_SEED) }
            : {}),
          ...(process.env.IMAGESTREAMS_PROPERTY_PATH ? { path: process.env.IMAGESTREAMS_PROPERTY_PATH } : {}),
          endOnFailure: true,
        },
      );
    }, 1_800_000);
  });
}
