// Tag selection policies against the real registry, one case per policy kind: the tag list is read in pages of
// two (Distribution paginates with `?n=` and `Link`), once per repository, and the run edits the declaration's
// from.name and records the choice in the lock. The PR body names the move "1.4.2 → 1.5.0" with both digests.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runReconcile } from '../../src/app/reconcile.js';
import type { StreamLock } from '../../src/model/lock.js';
import type { StreamLike } from '../../src/policy/tag-spec.js';
import type { HttpSend } from '../../src/registry/transport/http.js';
import { createWireTransport } from '../../src/registry/transport/wire.js';
import { captureIO } from '../helpers/capture-io.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { paginateTagLists } from '../helpers/paginated-tags.js';
import { prBodyOf } from '../helpers/pr-notes.js';
import { makeImage, pushImage } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';

let reg: RunningRegistry;
/** What the reconciler talks to: the real registry, tag lists paged (test/helpers/paginated-tags.ts). */
let proxy: FaultProxy;
let work: string;
const digests = new Map<string, string>();

async function push(repo: string, tags: string[]) {
  for (const t of tags)
    digests.set(`${repo}:${t}`, await pushImage(reg.url, repo, [t], makeImage({ seed: `${repo}:${t}` })));
}

beforeAll(async () => {
  reg = await startRegistry();
  proxy = await startFaultProxy(reg.url);
  proxy.setRule(paginateTagLists);
  work = await mkdtemp(join(tmpdir(), 'imagestreams-tag-policy-'));
  await push('pol/semver', ['1.4.2', '1.5.0', '1.5.1-rc.1', '2.0.0', 'latest', 'v1.4.9']);
  await push('pol/numbers', ['9', '10', '100', 'latest', '7.5']);
  await push('pol/dates', ['2023-12-31', '2024-11-30', '2024-01-05', 'stable']);
  await push('pol/builds', [
    'main-abc-1700000002',
    'main-def-1700000010',
    'main-0a1-999',
    'pr-12-1800000000',
  ]);
  await push('pol/seen', ['a', 'b']);
});
afterAll(async () => {
  await proxy?.close();
  await reg?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A transport that counts tag list pages per repository. */
function counting(): { send: HttpSend; pages: Map<string, number> } {
  const inner = createWireTransport();
  const pages = new Map<string, number>();
  const send: HttpSend = (req) => {
    const m = /^\/v2\/(.+)\/tags\/list$/.exec(req.url.pathname);
    if (m) pages.set(m[1]!, (pages.get(m[1]!) ?? 0) + 1);
    return inner(req);
  };
  return { send, pages };
}

interface Case {
  name: string;
  repo: string;
  declared: string;
  annotations: Record<string, string>;
  chosen: string;
  policy: string;
  /** A second tag of the same stream on the same repository (the list is still read once). */
  twin?: Record<string, string>;
}

const CASES: Case[] = [
  {
    name: 'semver range, prereleases left out',
    repo: 'pol/semver',
    declared: '1.4.2',
    annotations: { 'imagestreams.dev/tag-policy': 'semver', 'imagestreams.dev/semver-range': '>=1.4.0 <2' },
    chosen: '1.5.0',
    policy: 'semver >=1.4.0 <2',
    twin: { 'imagestreams.dev/tag-policy': 'semver' },
  },
  {
    name: 'semver with prereleases when asked',
    repo: 'pol/semver',
    declared: '1.4.2',
    annotations: {
      'imagestreams.dev/tag-policy': 'semver',
      'imagestreams.dev/semver-range': '^1.4',
      'imagestreams.dev/prereleases': 'true',
    },
    chosen: '1.5.1-rc.1',
    policy: 'semver ^1.4 with prereleases',
  },
  {
    name: 'numerical, highest',
    repo: 'pol/numbers',
    declared: '9',
    annotations: { 'imagestreams.dev/tag-policy': 'numerical' },
    chosen: '100',
    policy: 'numerical asc',
  },
  {
    name: 'numerical desc, lowest',
    repo: 'pol/numbers',
    declared: '10',
    annotations: { 'imagestreams.dev/tag-policy': 'numerical', 'imagestreams.dev/tag-order': 'desc' },
    chosen: '7.5',
    policy: 'numerical desc',
  },
  {
    name: 'alphabetical over a filter',
    repo: 'pol/dates',
    declared: '2023-12-31',
    annotations: {
      'imagestreams.dev/tag-policy': 'alphabetical',
      'imagestreams.dev/tag-pattern': '^\\d{4}-\\d{2}-\\d{2}$',
    },
    chosen: '2024-11-30',
    policy: 'alphabetical asc matching /^\\d{4}-\\d{2}-\\d{2}$/',
  },
  {
    name: 'regex filter with an extract group (Flux filterTags)',
    repo: 'pol/builds',
    declared: 'main-abc-1700000002',
    annotations: {
      'imagestreams.dev/tag-policy': 'numerical',
      'imagestreams.dev/tag-pattern': '^main-[a-f0-9]+-(?P<ts>[0-9]+)$',
      'imagestreams.dev/tag-extract': '$ts',
    },
    chosen: 'main-def-1700000010',
    policy: 'numerical asc matching /^main-[a-f0-9]+-(?P<ts>[0-9]+)$/ by $ts',
  },
];

function declaration(c: Case, i: number): string {
  const from = `${proxy.host}/${c.repo}`;
  const tag = (name: string, ann: Record<string, string>) =>
    [
      `    - name: ${name}`,
      '      annotations:',
      ...Object.entries(ann).map(([k, v]) => `        ${k}: ${JSON.stringify(v)}`),
      `      from: {kind: DockerImage, name: "${from}:${c.declared}"}`,
    ].join('\n');
  return [
    'apiVersion: image.openshift.io/v1',
    'kind: ImageStream',
    'metadata:',
    `  name: app${i}`,
    'spec:',
    '  tags:',
    tag('web', c.annotations),
    ...(c.twin ? [tag('twin', c.twin)] : []),
    '',
  ].join('\n');
}

async function project(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(work, name);
  for (const [f, t] of Object.entries(files)) {
    await mkdir(join(dir, f, '..'), { recursive: true });
    await writeFile(join(dir, f), t);
  }
  return dir;
}

const readLock = async (dir: string, name: string) =>
  JSON.parse(await readFile(join(dir, 'imagestreams.lock/default', `${name}.json`), 'utf8')) as StreamLock;

describe('tag selection policies against a registry with paginated tag lists', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_, c, i) => {
    const dir = await project(`case-${i}`, { [`imagestreams/app${i}.yaml`]: declaration(c, i) });
    const { send, pages } = counting();
    const run = await runReconcile(captureIO(dir, { now: '2026-11-27T12:00:00Z' }), {
      registry: { client: { send }, tagLists: { pageSize: 2 } },
    });
    expect(run.status, JSON.stringify(run.diagnostics)).toBe('ok');
    // Paginated (pages of two), and read once for every stream tag of the repository.
    expect(pages.get(c.repo)).toBe(Math.ceil((await listed(c.repo)) / 2));
    const text = await readFile(join(dir, `imagestreams/app${i}.yaml`), 'utf8');
    const web = (parse(text) as StreamLike).spec!.tags!.find((t) => t.name === 'web')!;
    expect(web.from!.name).toBe(`${proxy.host}/${c.repo}:${c.chosen}`);
    const lock = await readLock(dir, `app${i}`);
    const lt = lock.status.tags.find((t) => t.tag === 'web')!;
    expect(lt.selection).toEqual({ policy: c.policy, tag: c.chosen });
    expect(lt.items[0]!.image).toBe(digests.get(`${c.repo}:${c.chosen}`));
    expect(run.written).toContain(`imagestreams/app${i}.yaml`);
    // A second run changes nothing and lists once again (once per run).
    const again = await runReconcile(captureIO(dir, { now: '2026-11-28T12:00:00Z' }), {
      registry: { tagLists: { pageSize: 2 } },
    });
    expect(again.written).toEqual([]);
  });

  it('a tag list beyond its bounds is refused, not cut short: the declared tag is kept and the run fails', async () => {
    const dir = await project('bounded', {
      'imagestreams/app8.yaml': declaration({ ...CASES[0]!, twin: undefined }, 8),
    });
    const run = await runReconcile(captureIO(dir), { registry: { tagLists: { pageSize: 2, maxPages: 2 } } });
    expect(run.status).toBe('failed');
    expect(run.tagSelection?.failures[0]?.message).toMatch(/tag list goes beyond 100000 tags or 2 pages/);
    expect(await readFile(join(dir, 'imagestreams/app8.yaml'), 'utf8')).toContain(`pol/semver:1.4.2"`);
  });

  it('newest by first-seen: a run keeps the declared tag, a tag that appears later wins', async () => {
    const c: Case = {
      name: 'first-seen',
      repo: 'pol/seen',
      declared: 'a',
      annotations: { 'imagestreams.dev/tag-policy': 'first-seen' },
      chosen: 'a',
      policy: 'first-seen',
    };
    const dir = await project('first-seen', { 'imagestreams/app9.yaml': declaration(c, 9) });
    const first = await runReconcile(captureIO(dir, { now: '2026-11-27T12:00:00Z' }), {
      registry: { tagLists: { pageSize: 1 } },
    });
    expect(first.status).toBe('ok');
    let lt = (await readLock(dir, 'app9')).status.tags[0]!;
    expect(lt.selection).toEqual({
      policy: 'first-seen',
      tag: 'a',
      firstSeen: { a: '2026-11-27T12:00:00Z', b: '2026-11-27T12:00:00Z' },
    });
    await push('pol/seen', ['c']);
    await runReconcile(captureIO(dir, { now: '2026-11-28T12:00:00Z' }), {
      registry: { tagLists: { pageSize: 1 } },
    });
    lt = (await readLock(dir, 'app9')).status.tags.find((t) => t.tag === 'web')!;
    expect(lt.selection?.tag).toBe('c');
    expect(lt.selection?.firstSeen?.c).toBe('2026-11-28T12:00:00Z');
    expect(lt.items[0]!.image).toBe(digests.get('pol/seen:c'));
    expect(await readFile(join(dir, 'imagestreams/app9.yaml'), 'utf8')).toContain(
      `${proxy.host}/pol/seen:c"`,
    );
  });

  it('the PR body says "1.4.2 → 1.5.0" with both digests, from the base and branch locks', async () => {
    const c = CASES[0]!;
    const dir = await project('pr-body', {
      'imagestreams/app0.yaml': declaration(
        {
          ...c,
          annotations: { 'imagestreams.dev/tag-policy': 'semver', 'imagestreams.dev/semver-range': '1.4.2' },
          twin: undefined,
        },
        0,
      ),
    });
    await runReconcile(captureIO(dir), {});
    const baseLock = await readLock(dir, 'app0');
    const baseDecl = parse(await readFile(join(dir, 'imagestreams/app0.yaml'), 'utf8')) as StreamLike;
    expect(baseLock.status.tags[0]!.selection?.tag).toBe('1.4.2');
    // Widen the range: the next run moves to 1.5.0 and edits from.name with the lock.
    const widened = (await readFile(join(dir, 'imagestreams/app0.yaml'), 'utf8')).replace(
      'semver-range: "1.4.2"',
      'semver-range: ">=1.4.0 <2"',
    );
    await writeFile(join(dir, 'imagestreams/app0.yaml'), widened);
    const moved = await runReconcile(captureIO(dir, { now: '2026-11-28T12:00:00Z' }), {});
    expect(moved.status).toBe('ok');
    const lock = await readLock(dir, 'app0');
    const body = await prBodyOf(dir, { stream: 'app0', baseLock, lock, baseDeclaration: baseDecl });
    const from = digests.get('pol/semver:1.4.2')!;
    const to = digests.get('pol/semver:1.5.0')!;
    expect(body).toContain(
      `\`default/app0:web\` follows the tag policy \`semver >=1.4.0 <2\`: \`1.4.2\` → \`1.5.0\` (\`${from}\` → \`${to}\`).`,
    );
  });
});

/** How many tags a repository has (for the expected page count). */
async function listed(repo: string): Promise<number> {
  return [...digests.keys()].filter((k) => k.startsWith(`${repo}:`)).length;
}
