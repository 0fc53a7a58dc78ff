// Grouping and timing in pull-request mode: a config group with a schedule window waits outside it (nothing pushed,
// opened or updated; reported with when it opens), and `publish.maxOpenPullRequests` holds new PRs past the limit
// (open ones are still updated) until a later run has room, in group order. Injected clock, real registry, real git
// http-backend, the OpenAPI-validated GitHub fake.

import * as fs from 'node:fs';
import igit from 'isomorphic-git';
import { describe, expect, it } from 'vitest';
import { makeImage, pushImage } from '../../scripts/lib/registry.js';
import { runJob } from '../../src/app/job.js';
import { createGitHub } from '../../src/github/client.js';
import { captureIO } from '../helpers/capture-io.js';
import { git } from '../helpers/git-server.js';
import { type HostedRepo, hostedRepo } from '../helpers/hosted-repo.js';
import { useRealParts } from '../helpers/real-parts.js';

const TOKEN = 'ghs_grouptiming_0123456789abcdef';
const parts = useRealParts(TOKEN, 'timing');

const stream = (name: string, host: string) => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: ${name}}
spec:
  tags:
    - name: latest
      from: {kind: DockerImage, name: "${host}/timing/${name}:latest"}
      importPolicy: {scheduled: true}
`;

async function job(repo: HostedRepo, now: string, mode: 'commit' | 'pull-request', suffix: string) {
  const octokit = createGitHub({ token: TOKEN, baseUrl: repo.api.url, retries: 0, throttle: false });
  const io = captureIO(await repo.checkout(suffix), { now });
  const r = await runJob(io, {
    github: { token: TOKEN, repository: `acme/${repo.name}`, octokit },
    publish: { mode },
  });
  expect(r.run.status).toBe('ok');
  return r.publish?.groups.map((g) => [g.key, g.status, g.opensAt ?? g.reason?.slice(0, 40)]) ?? [];
}

describe('schedule windows and the open-PR limit', () => {
  it('a group waits outside its window; new PRs past the limit are held and opened later, in order', async () => {
    const push = (name: string, seed: string) =>
      pushImage(parts.reg.url, `timing/${name}`, 'latest', makeImage({ seed }));
    await Promise.all(['base', 'app', 'web'].map((n) => push(n, `${n}-0`)));
    const host = parts.reg.host;
    const repo = await hostedRepo(
      parts.server,
      parts.work,
      'timing',
      {
        '.imagestreams.yaml': `publish:
  maxOpenPullRequests: 1
  groups:
    - name: bases
      streams: [base]
      schedule: {days: [sat], hours: "00-06", timezone: UTC}
`,
        'imagestreams/base.yaml': stream('base', host),
        'imagestreams/app.yaml': stream('app', host),
        'imagestreams/web.yaml': stream('web', host),
      },
      TOKEN,
    );
    const branches = () =>
      git(repo.bare, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads']);
    try {
      await job(repo, '2026-01-01T00:00:00Z', 'commit', '-base');
      await Promise.all(['base', 'app', 'web'].map((n) => push(n, `${n}-1`)));

      // Friday noon: bases waits for Saturday 00:00; app opens the one PR allowed; web is held.
      expect(await job(repo, '2026-01-02T12:00:00Z', 'pull-request', '-1')).toEqual([
        ['bases', 'waiting', '2026-01-03T00:00:00Z'],
        ['default/app', 'created', undefined],
        ['default/web', 'held', '1 imagestreams pull request is open (pub'],
      ]);
      expect(repo.api.pulls.map((p) => p.head)).toEqual(['imagestreams/default/app']);
      expect(await branches()).not.toMatch(/imagestreams\/(group\/bases|default\/web)/);

      // The open PR is still updated past the limit; the others still wait and are held, with no write for them.
      await push('app', 'app-2');
      const before = await branches();
      expect(await job(repo, '2026-01-02T13:00:00Z', 'pull-request', '-2')).toEqual([
        ['bases', 'waiting', '2026-01-03T00:00:00Z'],
        ['default/app', 'updated', undefined],
        ['default/web', 'held', '1 imagestreams pull request is open (pub'],
      ]);
      expect((await branches()).replace(/.*default\/app .*\n/, '')).toBe(
        before.replace(/.*default\/app .*\n/, ''),
      );

      // app merged; Saturday 01:00 UTC: the window is open, and of the two waiting for room bases comes first.
      const tip = await igit.resolveRef({ fs, gitdir: repo.bare, ref: 'imagestreams/default/app' });
      await igit.writeRef({ fs, gitdir: repo.bare, ref: 'refs/heads/main', value: tip, force: true });
      repo.api.pulls[0]!.state = 'closed';
      expect(await job(repo, '2026-01-03T01:00:00Z', 'pull-request', '-3')).toEqual(
        [
          ['default/app', 'nothing', 'leftover branch deleted'],
          ['bases', 'created', undefined],
          ['default/web', 'held', '1 imagestreams pull request is open (pub'],
        ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      );
      expect(repo.api.violations).toEqual([]);
    } finally {
      await repo.api.close();
    }
  }, 120_000);
});
