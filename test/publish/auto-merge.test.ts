// `publish.autoMerge: {method: squash, only: digest}`: GitHub auto-merge is turned on only for a PR whose change is
// digest-only and soaked, and turned off (GraphQL disablePullRequestAutoMerge) when a later run makes it carry
// more. Injected clock, real registry, real git http-backend, the OpenAPI-validated GitHub fake.

import { describe, expect, it } from 'vitest';
import { makeImage, pushImage } from '../../scripts/lib/registry.js';
import { runJob } from '../../src/app/job.js';
import { createGitHub } from '../../src/github/client.js';
import { captureIO } from '../helpers/capture-io.js';
import { type HostedRepo, hostedRepo } from '../helpers/hosted-repo.js';
import { useRealParts } from '../helpers/real-parts.js';

const TOKEN = 'ghs_automerge_0123456789abcdef';
const parts = useRealParts(TOKEN, 'automerge');

/**
 * A job at `now` on a fresh checkout (as the scheduled Action runs): the soak ledger carries over only through the
 * open PR branch the job seeds its locks from.
 */
async function job(repo: HostedRepo, now: string, mode: 'commit' | 'pull-request') {
  const dir = await repo.checkout(`-${now.replace(/\D/g, '')}`);
  const octokit = createGitHub({ token: TOKEN, baseUrl: repo.api.url, retries: 0, throttle: false });
  const io = captureIO(dir, { now });
  const r = await runJob(io, {
    github: { token: TOKEN, repository: `acme/${repo.name}`, octokit },
    publish: { mode },
  });
  expect(r.run.status).toBe('ok');
  for (const g of r.publish?.groups ?? []) expect(g.status, JSON.stringify(g)).not.toBe('failed');
  return r;
}

const graphql = (repo: HostedRepo) =>
  repo.api.requests
    .filter((r) => r.operationId === 'graphql')
    .map((r) => /(enable|disable)PullRequestAutoMerge/.exec((r.body as { query: string }).query)?.[0]);

describe('auto-merge of digest-only bumps after soak', () => {
  it('is enabled once the soaked digest is proposed alone, and disabled when the PR carries more', async () => {
    const push = (tag: string, seed: string) => pushImage(parts.reg.url, 'team/am', tag, makeImage({ seed }));
    await Promise.all([push('stable', 's-0'), push('edge', 'e-0'), push('other', 'o-0')]);
    const host = parts.reg.host;
    const repo = await hostedRepo(
      parts.server,
      parts.work,
      'am',
      {
        '.imagestreams.yaml': 'publish:\n  autoMerge: {method: squash, only: digest}\n',
        'imagestreams/app.yaml': `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app}
spec:
  tags:
    - name: stable
      annotations: {imagestreams.dev/minimum-age: 1d}
      from: {kind: DockerImage, name: "${host}/team/am:stable"}
      importPolicy: {scheduled: true}
    - name: edge
      from: {kind: DockerImage, name: "${host}/team/am:edge"}
      importPolicy: {scheduled: true}
`,
        'imagestreams/other.yaml': `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: other}
spec:
  tags:
    - name: latest
      from: {kind: DockerImage, name: "${host}/team/am:other"}
      importPolicy: {scheduled: true}
`,
      },
      TOKEN,
    );
    try {
      await job(repo, '2026-06-01T00:00:00Z', 'commit');
      await Promise.all([push('stable', 's-1'), push('other', 'o-1')]);
      const pr = (head: string) => repo.api.pulls.find((p) => p.head === head && p.state === 'open');

      // Soaking: the PR only says when the digest becomes eligible; no auto-merge. A bump without soak: none.
      await job(repo, '2026-06-01T12:00:00Z', 'pull-request');
      expect(pr('imagestreams/default/app')?.body).toContain('2026-06-02T12:00:00Z');
      expect(pr('imagestreams/default/app')?.autoMerge).toBeNull();
      expect(pr('imagestreams/default/other')?.autoMerge).toBeNull();

      // Soaked and proposed, nothing else in the PR: auto-merge on, with the configured method.
      await job(repo, '2026-06-02T13:00:00Z', 'pull-request');
      expect(pr('imagestreams/default/app')?.body).not.toContain('eligible');
      expect(pr('imagestreams/default/app')?.autoMerge).toBe('SQUASH');
      expect(pr('imagestreams/default/other')?.autoMerge).toBeNull();

      // A quiet rerun writes nothing (auto-merge already in step).
      const writes = repo.api.writes().length;
      await job(repo, '2026-06-02T14:00:00Z', 'pull-request');
      expect(repo.api.writes().length).toBe(writes);

      // The PR now also moves `edge`, which has no soak: auto-merge is turned off again.
      await push('edge', 'e-1');
      await job(repo, '2026-06-02T15:00:00Z', 'pull-request');
      expect(pr('imagestreams/default/app')?.autoMerge).toBeNull();
      expect(graphql(repo)).toEqual(['enablePullRequestAutoMerge', 'disablePullRequestAutoMerge']);
      expect(repo.api.violations).toEqual([]);
    } finally {
      await repo.api.close();
    }
  }, 120_000);
});
