// The dashboard issue (publish.dashboard) across runs of the whole job, with real parts: the Distribution
// registry, a git http-backend and the OpenAPI-validated GitHub fake. The first run creates the issue, a run with
// nothing new writes nothing, a ticked box forces that tag's import and is un-ticked, a ticked line naming no
// declared tag is ignored, and a failed issue update leaves the run's pull request standing.
import { describe, expect, it } from 'vitest';
import { runJob } from '../../src/app/job.js';
import { createGitHub } from '../../src/github/client.js';
import { createLogger } from '../../src/util/logger.js';
import { captureIO } from '../helpers/capture-io.js';
import { git } from '../helpers/git-server.js';
import { fileAt, hostedRepo } from '../helpers/hosted-repo.js';
import { makeImage, pushImage } from '../helpers/push-images.js';
import { useRealParts } from '../helpers/real-parts.js';

const TOKEN = 'ghs_dashboardsecret_0123456789abcdef';
const BRANCH = 'imagestreams/default/app';
const LOCK = 'imagestreams.lock/default/app.json';
const parts = useRealParts(TOKEN, 'dashboard');

/** The body with the "import now" box of `key` ticked, as a person ticks it in GitHub's UI. */
const tick = (body: string, key: string) =>
  body
    .split('\n')
    .map((l) => (l.includes(`import=${encodeURIComponent(key)} -->`) ? l.replace('- [ ]', '- [x]') : l))
    .join('\n');

describe('the dashboard issue', () => {
  it('is created, left alone when nothing changed, and its ticked box forces an import', async () => {
    const { reg, server, work } = parts;
    const stream = [
      'kind: ImageStream',
      'metadata: {name: app}',
      'spec:',
      '  tags:',
      '    - name: web',
      `      from: {kind: DockerImage, name: "${reg.host}/dash/app:1"}`,
      '',
    ].join('\n');
    const w1 = await pushImage(reg.url, 'dash/app', ['1'], makeImage({ seed: 'dash-w1' }));
    const repo = await hostedRepo(
      server,
      work,
      'dash',
      { 'imagestreams/app.yaml': stream, '.imagestreams.yaml': 'publish:\n  dashboard: {labels: [deps]}\n' },
      TOKEN,
    );
    const { api, bare } = repo;
    const octokit = createGitHub({ token: TOKEN, baseUrl: api.url, retries: 0, throttle: false });
    const logs: string[] = [];
    let runNo = 0;
    const run = async () => {
      const dir = await repo.checkout(`-run${++runNo}`);
      const io = captureIO(dir, { now: `2026-11-27T1${runNo}:00:00Z` });
      io.logger = createLogger((l) => logs.push(l), { level: 'info' });
      return runJob(io, { github: { token: TOKEN, repository: 'acme/dash', octokit } });
    };
    const writes = () => api.writes().map((w) => w.operationId);
    const merge = async () => {
      const tip = (await git(bare, ['rev-parse', BRANCH])).trim();
      await git(bare, ['update-ref', 'refs/heads/main', tip]);
      await git(bare, ['update-ref', '-d', `refs/heads/${BRANCH}`]);
      for (const p of api.pulls) p.state = 'closed';
    };

    // 1. The first run opens the PR and creates the dashboard, which lists it.
    const first = await run();
    expect(first.publish?.groups.map((g) => g.status)).toEqual(['created']);
    expect(first.dashboard).toMatchObject({ status: 'created', forced: [], ignored: [] });
    expect(api.issues).toHaveLength(1);
    const issue = api.issues[0]!;
    expect(issue).toMatchObject({
      title: 'imagestreams dashboard',
      labels: ['imagestreams:dashboard', 'deps'],
    });
    expect(issue.body).toContain('- #1 Lock default/app:web to ');
    expect(issue.body).toContain(`- [ ] import now \`web\` \`${w1.slice(0, 19)}\``);

    // 2. Nothing new: no push, no API write at all (the issue is read, not written).
    let before = writes().length;
    const quiet = await run();
    expect(quiet.publish?.groups.map((g) => g.status)).toEqual(['unchanged']);
    expect(quiet.dashboard?.status).toBe('unchanged');
    expect(writes().length).toBe(before);

    // 3. The PR is merged: the next run drops it from the dashboard (one update), then writes nothing again.
    await merge();
    before = writes().length;
    expect((await run()).dashboard?.status).toBe('updated');
    expect(writes().slice(before)).toEqual(['issues/update']);
    expect(issue.body).not.toContain('## Open pull requests');
    before = writes().length;
    await pushImage(reg.url, 'dash/app', ['1'], makeImage({ seed: 'dash-w2' }));
    const notDue = await run(); // `web` is not scheduled: upstream moved, nobody asked
    expect(notDue.run.result?.imports).toEqual([]);
    expect(notDue.dashboard?.status).toBe('unchanged');
    expect(writes().length).toBe(before);

    // 4. Someone ticks `web`, and adds ticked lines that name no declared tag: only `web` is imported.
    issue.body = [
      tick(issue.body!, 'default/app:web'),
      '- [x] import now `db` <!-- imagestreams:import=default%2Fapp%3Adb -->',
      '- [x] @someone please import everything <!-- imagestreams:import=..%2F..%2Fetc -->',
    ].join('\n');
    const forced = await run();
    const w2 = makeImage({ seed: 'dash-w2' }).digest;
    expect(forced.run.result?.imports.map((i) => i.key)).toEqual(['default/app:web']);
    expect(forced.publish?.groups.map((g) => g.status)).toEqual(['created']);
    expect(JSON.parse((await fileAt(bare, BRANCH, LOCK))!).status.tags[0].items[0].image).toBe(w2);
    expect(forced.dashboard).toMatchObject({
      status: 'updated',
      forced: ['default/app:web'],
      ignored: ['default/app:db', '../../etc'],
    });
    expect(logs.join('\n')).toContain('ignored ticked lines that name no declared stream tag');
    expect(issue.body).toContain('- [ ] import now `web`');
    expect(issue.body).not.toContain('- [x]');
    expect(issue.body).not.toContain('default%2Fapp%3Adb');
    expect(issue.body).toContain(`- #${api.pulls.at(-1)!.number} Bump default/app:web to `);

    // 5. The issue cannot be written: the run and its PR stand, the failure is reported, the box stays ticked.
    issue.body = tick(issue.body!, 'default/app:web');
    api.fail('issues/update', {
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com',
      },
    });
    const denied = await run();
    expect(denied.run.status).toBe('ok');
    expect(denied.publish?.groups.map((g) => g.status)).toEqual(['unchanged']);
    expect(denied.dashboard).toMatchObject({ status: 'failed', error: { code: 'GITHUB_FORBIDDEN' } });
    expect(denied.dashboard?.error?.message).toContain('issues: write');
    expect(api.pulls.at(-1)?.state).toBe('open');
    expect(issue.body).toContain('- [x] import now `web`');

    // 6. The next run serves the tick and clears it.
    const retried = await run();
    expect(retried.dashboard).toMatchObject({ status: 'updated', forced: ['default/app:web'] });
    expect(issue.body).not.toContain('- [x]');
    for (const text of [...logs, issue.body ?? '']) expect(text).not.toContain(TOKEN);
    expect(api.violations).toEqual([]);
  }, 90_000);

  it('keeps the boxes of streams the run did not reconcile, and a box ticked while the run worked', async () => {
    const { reg, server, work } = parts;
    const decl = (name: string, tags: string[]) =>
      [
        'kind: ImageStream',
        `metadata: {name: ${name}}`,
        'spec:',
        '  tags:',
        ...tags.flatMap((t) => [
          `    - name: ${t}`,
          `      from: {kind: DockerImage, name: "${reg.host}/dash/${name}:${t}"}`,
        ]),
        '',
      ].join('\n');
    await pushImage(reg.url, 'dash/one', ['a', 'b'], makeImage({ seed: 'dash-one' }));
    await pushImage(reg.url, 'dash/two', ['a'], makeImage({ seed: 'dash-two' }));
    const repo = await hostedRepo(
      server,
      work,
      'dash2',
      {
        'imagestreams/one.yaml': decl('one', ['a', 'b']),
        'imagestreams/two.yaml': decl('two', ['a']),
        '.imagestreams.yaml': 'publish:\n  mode: commit\n  dashboard: true\n',
      },
      TOKEN,
    );
    const { api } = repo;
    const octokit = createGitHub({ token: TOKEN, baseUrl: api.url, retries: 0, throttle: false });
    let runNo = 0;
    const run = async (only?: string[]) => {
      const dir = await repo.checkout(`-run${++runNo}`);
      return runJob(captureIO(dir, { now: `2026-11-28T1${runNo}:00:00Z` }), {
        github: { token: TOKEN, repository: 'acme/dash2', octokit },
        ...(only ? { streams: { only: new Set(only) } } : {}),
      });
    };
    expect((await run()).dashboard?.status).toBe('created'); // commit mode: the first imports land on main
    const issue = api.issues[0]!;
    expect((await run()).dashboard?.status).toBe('unchanged');

    // `two:a` is ticked, but this run is only for `one`: it stays ticked. `one:b` is ticked during the run.
    issue.body = tick(issue.body!, 'default/two:a');
    api.before('issues/get', () => {
      issue.body = tick(issue.body!, 'default/one:b');
    });
    const partial = await run(['default/one']);
    expect(partial.run.result?.imports.map((i) => i.key)).toEqual([]);
    expect(partial.dashboard?.forced).toEqual([]);
    expect(issue.body.match(/- \[x\][^\n]*/g)).toEqual([
      expect.stringContaining('default%2Fone%3Ab'),
      expect.stringContaining('default%2Ftwo%3Aa'),
    ]);

    // A whole run serves both.
    const whole = await run();
    expect(whole.run.result?.imports.map((i) => i.key).sort()).toEqual(['default/one:b', 'default/two:a']);
    expect(whole.dashboard).toMatchObject({ status: 'updated', forced: ['default/one:b', 'default/two:a'] });
    expect(issue.body).not.toContain('- [x]');
    expect(api.violations).toEqual([]);
  }, 90_000);
});
