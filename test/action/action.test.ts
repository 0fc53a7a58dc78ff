// The bundled Action (dist/index.js) run as a runner runs it, against a real registry, a real git http-backend
// and the OpenAPI-validated fake GitHub API: scheduled reconcile, pull request plan comment, fork pull request,
// validation annotations. A final test scans everything captured for the secrets.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, git, startGitServer } from '../helpers/git-server.js';
import type { GitHubApi } from '../helpers/github-api.js';
import { hostedRepo } from '../helpers/hosted-repo.js';
import { makeIndex, pushIndex } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';
import { type ActionRun, type ActionRunOptions, runActionBundle } from './harness.js';

const TOKEN = 'ghs_actionsecret_QWERTY0987654321';
const REGISTRY_PASSWORD = 'registry-password-ZXCV5678';
const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
];

let reg: RunningRegistry;
let server: GitServer;
let work: string;
let n = 0;
const apis: GitHubApi[] = [];
const captured: string[] = [];

beforeAll(async () => {
  [reg, server] = await Promise.all([startRegistry(), startGitServer({ token: TOKEN })]);
  work = await mkdtemp(join(tmpdir(), 'imagestreams-action-test-'));
  await pushIndex(reg.url, 'library/python', '3.12', makeIndex({ seed: 'py-1', platforms: PLATFORMS }));
});
afterAll(async () => {
  await Promise.all(apis.map((a) => a.close()));
  await Promise.all([reg?.stop(), server?.close()]);
  await rm(work, { recursive: true, force: true });
});
afterEach(() => {
  for (const a of apis) expect(a.violations).toEqual([]);
});

function declaration(from: string): string {
  return [
    'apiVersion: image.openshift.io/v1',
    'kind: ImageStream',
    'metadata:',
    '  name: python',
    'spec:',
    '  tags:',
    '    - name: "3.12"',
    `      from: {kind: DockerImage, name: "${from}"}`,
    '      importPolicy: {scheduled: true, importMode: PreserveOriginal}',
    '',
  ].join('\n');
}

function config(registry: string): string {
  return [
    'registries:',
    `  "${registry}":`,
    '    credentials: {usernameEnv: REGISTRY_USER, passwordEnv: REGISTRY_PASS}',
    '',
  ].join('\n');
}

/** A repository on the git server, its fake API, and an actions/checkout-style workspace of main. */
async function scenario(files: Record<string, string>) {
  const name = `act${++n}`;
  const { bare, url, api, checkout } = await hostedRepo(server, work, name, files, TOKEN);
  apis.push(api);
  const dir = await checkout();
  const run = async (o: Partial<ActionRunOptions> & Pick<ActionRunOptions, 'eventName' | 'event'>) => {
    const r = await runActionBundle({
      inputs: { token: TOKEN },
      workspace: dir,
      repository: `acme/${name}`,
      apiUrl: api.url,
      serverUrl: server.url,
      env: { REGISTRY_USER: 'robot', REGISTRY_PASS: REGISTRY_PASSWORD },
      ...o,
    });
    captured.push(r.stdout, r.stderr, r.summary, JSON.stringify(r.outputs));
    return r;
  };
  const gitRequests = () => server.requests.filter((r) => r.path.startsWith(`/${name}.git/`));
  return { name, bare, url, api, dir, run, checkout, gitRequests };
}

function prEvent(name: string, number: number, headRepo: string, sha = 'c'.repeat(40)) {
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      head: { ref: 'add-python', sha, repo: { full_name: headRepo, fork: headRepo !== `acme/${name}` } },
      base: { ref: 'main', repo: { full_name: `acme/${name}`, fork: false } },
    },
    repository: { full_name: `acme/${name}` },
  };
}

function explain(r: ActionRun): string {
  return `exit ${r.exitCode}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

describe('the bundled Action', () => {
  it('a scheduled run opens a PR: branch pushed, outputs changed and pull-requests, a job summary', async () => {
    const s = await scenario({
      'imagestreams/python.yaml': declaration(`${reg.host}/library/python:3.12`),
      '.imagestreams.yaml': config(reg.host),
      Dockerfile: '# imagestream: python:3.12\nFROM python:3.12\n',
    });
    const r = await s.run({ eventName: 'schedule', event: { schedule: '17 * * * *' } });
    expect(r.exitCode, explain(r)).toBe(0);
    expect(r.outputs.changed).toBe('true');
    expect(r.outputs['exit-code']).toBe('0');
    const prs = JSON.parse(r.outputs['pull-requests']!);
    expect(prs).toEqual([
      { number: 1, url: expect.stringContaining('/pull/1'), stream: 'default/python', status: 'created' },
    ]);
    expect(s.api.pulls).toHaveLength(1);
    expect(s.api.pulls[0]).toMatchObject({
      head: 'imagestreams/default/python',
      base: 'main',
      state: 'open',
    });
    const branch = 'imagestreams/default/python';
    const lock = await git(s.bare, ['show', `${branch}:imagestreams.lock/default/python.json`]);
    expect(lock).toContain(`${reg.host}/library/python@sha256:`);
    expect(await git(s.bare, ['show', `${branch}:Dockerfile`])).toMatch(/FROM .*python:3\.12@sha256:/);
    await git(s.bare, ['fsck', '--strict']);
    const result = JSON.parse(r.outputs.result!);
    expect(result.reconcile.changes[0]).toMatchObject({
      stream: 'python',
      tags: [{ tag: '3.12', kind: 'new' }],
    });
    expect(r.summary).toContain('## imagestreams reconcile (schedule): succeeded');
    expect(r.summary).toContain('| `3.12` | new |');
    expect(r.summary).toContain('`linux/arm64`');
    expect(r.summary).toMatch(/\[#1\]\(https:\/\/github\.example\/acme\/act\d+\/pull\/1\)/);
    // Every secret the config names, and the token, were masked before anything else was printed.
    expect(r.stdout).toContain(`::add-mask::${TOKEN}`);
    expect(r.stdout).toContain(`::add-mask::${REGISTRY_PASSWORD}`);
    // Each stream's lines are a collapsible group of the log.
    expect(r.stdout).toMatch(
      /^::group::default\/python \(1 tag\)\n {2}\+ default\/python:3\.12 .*\n::endgroup::$/m,
    );

    // The next scheduled run (a fresh checkout, as on a runner) with nothing new pushes nothing and leaves the PR.
    const body1 = s.api.pulls[0]!.body;
    const tip1 = await git(s.bare, ['rev-parse', branch]);
    const again = await s.run({
      eventName: 'schedule',
      event: { schedule: '17 * * * *' },
      workspace: await s.checkout('-again'),
    });
    expect(again.exitCode, explain(again)).toBe(0);
    expect(await git(s.bare, ['rev-parse', branch])).toBe(tip1);
    expect(s.api.pulls[0]!.body).toBe(body1);
    expect(JSON.parse(again.outputs['pull-requests']!)).toMatchObject([{ number: 1, status: 'unchanged' }]);
    expect(s.api.pulls).toHaveLength(1);
  });

  it('a pull_request run comments the plan once, updates that comment on the next push, and pushes nothing', async () => {
    await pushIndex(reg.url, 'library/plan', '1', makeIndex({ seed: 'plan-1', platforms: PLATFORMS }));
    const s = await scenario({
      'imagestreams/python.yaml': declaration(`${reg.host}/library/plan:1`),
    });
    const pr = s.api.addPull({ head: 'add-python', base: 'main', title: 'Add the python stream' });
    const event = prEvent(s.name, pr.number, `acme/${s.name}`);
    const before = await git(s.bare, ['for-each-ref', '--format=%(refname)']);

    const r1 = await s.run({ eventName: 'pull_request', event });
    expect(r1.exitCode, explain(r1)).toBe(0);
    expect(pr.comments).toHaveLength(1);
    const first = pr.comments[0]!.body;
    expect(first).toContain('<!-- imagestreams:plan -->');
    expect(first).toContain('### imagestreams plan');
    expect(first).toMatch(new RegExp(`${reg.host}/library/plan@sha256:[0-9a-f]{64}`));
    expect(first).toContain('`linux/amd64`');
    expect(first).toContain('`linux/arm64`');
    expect(r1.outputs.changed).toBe('true');
    expect(r1.summary).toContain('### Plan');
    expect(r1.summary).toContain(`Plan comment: pull request #${pr.number}.`);

    // Upstream moves before the next push: the same comment is updated, not a second one added.
    await pushIndex(reg.url, 'library/plan', '1', makeIndex({ seed: 'plan-2', platforms: PLATFORMS }));
    const r2 = await s.run({
      eventName: 'pull_request',
      event: prEvent(s.name, pr.number, `acme/${s.name}`, 'd'.repeat(40)),
    });
    expect(r2.exitCode, explain(r2)).toBe(0);
    expect(pr.comments).toHaveLength(1);
    expect(pr.comments[0]!.body).not.toBe(first);
    const ops = s.api.requests.map((q) => q.operationId);
    expect(ops.filter((o) => o === 'issues/create-comment')).toHaveLength(1);
    expect(ops.filter((o) => o === 'issues/update-comment')).toHaveLength(1);
    expect(ops).not.toContain('pulls/create');

    // A plan writes nothing: no push, no new branch, a clean work tree.
    expect(s.gitRequests().filter((q) => q.path.endsWith('git-receive-pack'))).toEqual([]);
    expect(await git(s.bare, ['for-each-ref', '--format=%(refname)'])).toBe(before);
    expect(await git(s.dir, ['status', '--porcelain'])).toBe('');
  });

  it('a plan comment the token may not write is a warning with the permission to add, not a failed check', async () => {
    const s = await scenario({ 'imagestreams/python.yaml': declaration(`${reg.host}/library/python:3.12`) });
    const pr = s.api.addPull({ head: 'add-python', base: 'main', title: 'Add the python stream' });
    s.api.fail('issues/create-comment', {
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
      },
      times: 1,
    });
    const r = await s.run({ eventName: 'pull_request', event: prEvent(s.name, pr.number, `acme/${s.name}`) });
    expect(r.exitCode, explain(r)).toBe(0);
    expect(pr.comments).toEqual([]);
    expect(r.stdout).toMatch(/^::warning::the plan comment could not be written: .*pull-requests: write/m);
    expect(r.summary).toContain('No plan comment:');
    expect(r.summary).toContain('### Plan');
  });

  it('a pull request from a fork uses no token and contacts no registry; validate and verify still run', async () => {
    let connections = 0;
    const trap: Server = createServer((sock) => {
      connections++;
      sock.destroy();
    });
    await new Promise<void>((res) => trap.listen(0, '127.0.0.1', res));
    const port = (trap.address() as { port: number }).port;
    try {
      const s = await scenario({
        'imagestreams/python.yaml': declaration(`127.0.0.1:${port}/library/python:3.12`),
        '.imagestreams.yaml': config(`127.0.0.1:${port}`),
      });
      const checkoutRequests = s.gitRequests().length;
      const r = await s.run({ eventName: 'pull_request', event: prEvent(s.name, 7, 'mallory/fork') });
      expect(r.exitCode, explain(r)).toBe(0);
      expect(connections).toBe(0);
      expect(s.api.requests).toEqual([]);
      expect(s.gitRequests().slice(checkoutRequests)).toEqual([]);
      expect(r.summary).toContain('Plan skipped: pull request #7 comes from a fork (mallory/fork)');
      expect(r.summary).toContain('### Validation');
      expect(r.summary).toContain('### Consumers');
      expect(JSON.parse(r.outputs.result!)).toMatchObject({ fork: true, validate: { valid: true } });
      expect(r.outputs.changed).toBe('false');
    } finally {
      await new Promise<void>((res) => trap.close(() => res()));
    }
  });

  it('validate annotates each invalid line (paths from the workspace root) and exits 1', async () => {
    const bad = [
      'apiVersion: image.openshift.io/v1',
      'kind: ImageStream',
      'metadata:',
      '  name: broken',
      'spec:',
      '  tags:',
      '    - name: "ok"',
      '      from: {kind: DockerImage, name: "quay.io/x/y:1"}',
      '    - name: "bad tag"',
      '      from: {kind: DockerImage, name: "quay.io/x/y:2"}',
      '',
    ].join('\n');
    const s = await scenario({ 'sub/imagestreams/broken.yaml': bad });
    const r = await s.run({
      inputs: { command: 'validate', 'working-directory': 'sub' },
      eventName: 'pull_request',
      event: prEvent(s.name, 3, `acme/${s.name}`),
    });
    expect(r.exitCode, explain(r)).toBe(1);
    expect(r.outputs['exit-code']).toBe('1');
    expect(r.stdout).toMatch(
      /^::error title=imagestreams \w+,file=sub\/imagestreams\/broken\.yaml,line=9,(endLine=9,)?col=\d+.*::tag name "bad tag" is invalid/m,
    );
    expect(r.stdout).toMatch(/^::error::validate: 1 error/m);
    expect(r.summary).toContain('`imagestreams/broken.yaml:9:');
    expect(s.api.requests).toEqual([]);
  });

  it('publish: commit pushes the lock to main; dispatch on that push sends repository_dispatch for the moved tag', async () => {
    await pushIndex(reg.url, 'library/disp', '1', makeIndex({ seed: 'disp-1', platforms: PLATFORMS }));
    const s = await scenario({
      'imagestreams/python.yaml': declaration(`${reg.host}/library/disp:1`),
      '.imagestreams.yaml': `${config(reg.host)}dispatch:\n  - type: repository_dispatch\n`,
    });
    const before = await git(s.bare, ['rev-parse', 'main']);
    const r = await s.run({
      inputs: { token: TOKEN, publish: 'commit' },
      eventName: 'workflow_dispatch',
      event: { inputs: {} },
    });
    expect(r.exitCode, explain(r)).toBe(0);
    expect(r.outputs.changed).toBe('true');
    expect(r.outputs['pull-requests']).toBe('[]');
    const after = await git(s.bare, ['rev-parse', 'main']);
    expect(after).not.toBe(before);

    // The push workflow: actions/checkout with fetch-depth: 2, then the dispatch command.
    const dir = join(work, `${s.name}-push`);
    const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
    await git(work, [
      '-c',
      `http.extraHeader=Authorization: Basic ${basic}`,
      'clone',
      '-q',
      '--depth=2',
      s.url,
      dir,
    ]);
    const d = await s.run({
      inputs: { token: TOKEN, command: 'dispatch' },
      eventName: 'push',
      event: { ref: 'refs/heads/main', before, after },
      workspace: dir,
    });
    expect(d.exitCode, explain(d)).toBe(0);
    expect(s.api.dispatches).toHaveLength(1);
    expect(s.api.dispatches[0]).toMatchObject({
      operationId: 'repos/create-dispatch-event',
      body: { event_type: 'imagestream-moved', client_payload: { stream: 'python', tag: '3.12' } },
    });
    expect(JSON.parse(d.outputs.result!).dispatch.results).toMatchObject([{ status: 'sent' }]);
    expect(d.summary).toContain('### Dispatch');
    expect(d.summary).toMatch(/\| `default\/python:3\.12` \| .* \| sent \|/);
  });

  it('bad inputs fail the step with exit-code 2 and say which input', async () => {
    const s = await scenario({ 'README.md': 'x\n' });
    const r = await s.run({ inputs: { command: 'deploy' }, eventName: 'push', event: {} });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['exit-code']).toBe('2');
    expect(r.stdout).toContain(
      '::error::input "command" must be one of reconcile, plan, validate, verify, dispatch',
    );
  });

  it('no secret appears in anything printed, output, summarised or sent to GitHub', () => {
    const sent = apis.flatMap((a) => [
      ...a.pulls.flatMap((p) => [p.title, p.body ?? '', ...p.comments.map((c) => c.body)]),
      ...a.requests.map((q) => JSON.stringify({ body: q.body, query: q.query, response: q.response })),
    ]);
    const text = [...captured, ...sent]
      .join('\n')
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expect(text.length).toBeGreaterThan(1000);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(REGISTRY_PASSWORD);
  });
});
