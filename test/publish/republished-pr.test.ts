// The immutable-tag alarm in a pull request of its own: a release-named tag (`1.2.3`) whose digest changed goes to
// branch `imagestreams/republished/<ns>/<stream>/<tag>`, labelled and opening with the caution; the stream's own
// PR carries everything else. Real registry, real git http-backend, the OpenAPI-validated GitHub fake.

import * as fs from 'node:fs';
import igit from 'isomorphic-git';
import { describe, expect, it } from 'vitest';
import { makeImage, pushImage } from '../../scripts/lib/registry.js';
import { runJob } from '../../src/app/job.js';
import { main } from '../../src/entry/cli.js';
import { createGitHub } from '../../src/github/client.js';
import { parseLock } from '../../src/loader/lock-file.js';
import { captureIO } from '../helpers/capture-io.js';
import { fileAt, type HostedRepo, hostedRepo } from '../helpers/hosted-repo.js';
import { useRealParts } from '../helpers/real-parts.js';

const TOKEN = 'ghs_republished_0123456789abcdef';
const parts = useRealParts(TOKEN, 'republished');
const LOCK = 'imagestreams.lock/default/app.json';
const ALARM = 'imagestreams/republished/default/app/1.2.3';
const MAIN = 'imagestreams/default/app';

function files(host: string): Record<string, string> {
  return {
    '.imagestreams.yaml': 'publish:\n  autoMerge: merge\n',
    'imagestreams/app.yaml': `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app}
spec:
  tags:
    - name: 1.2.3
      from: {kind: DockerImage, name: "${host}/team/rep:1.2.3"}
      importPolicy: {scheduled: true}
    - name: latest
      from: {kind: DockerImage, name: "${host}/team/rep:latest"}
      importPolicy: {scheduled: true}
`,
    'deploy/compose.yaml': `services:
  pinned:
    image: example.invalid/x:0 # imagestream: default/app:1.2.3
  edge:
    image: example.invalid/x:0 # imagestream: default/app:latest
`,
  };
}

/** A job on a fresh checkout of main at `now`. */
async function job(repo: HostedRepo, now: string, mode: 'commit' | 'pull-request', suffix: string) {
  const octokit = createGitHub({ token: TOKEN, baseUrl: repo.api.url, retries: 0, throttle: false });
  const io = captureIO(await repo.checkout(suffix), { now });
  const r = await runJob(io, {
    github: { token: TOKEN, repository: `acme/${repo.name}`, octokit },
    publish: { mode },
  });
  expect(r.run.status).toBe('ok');
  return r;
}

const digestOf = (text: string | undefined, tag: string) =>
  parseLock(text!, LOCK).status.tags.find((t) => t.tag === tag)?.items[0]?.image;

async function verifyMain(repo: HostedRepo, suffix: string): Promise<void> {
  const io = captureIO(await repo.checkout(suffix));
  expect(await main(['verify'], io), io.out() + io.err()).toBe(0);
}

async function merge(repo: HostedRepo, branch: string): Promise<void> {
  const tip = await igit.resolveRef({ fs, gitdir: repo.bare, ref: branch });
  await igit.writeRef({ fs, gitdir: repo.bare, ref: 'refs/heads/main', value: tip, force: true });
  for (const p of repo.api.pulls) if (p.head === branch) p.state = 'closed';
}

describe('a republished release tag', () => {
  it('goes into its own labelled PR with the caution on top; the stream PR carries the rest', async () => {
    const push = (tag: string, seed: string) =>
      pushImage(parts.reg.url, 'team/rep', tag, makeImage({ seed }));
    await Promise.all([push('1.2.3', 'r-0'), push('latest', 'l-0')]);
    const repo = await hostedRepo(parts.server, parts.work, 'rep', files(parts.reg.host), TOKEN);
    try {
      await job(repo, '2026-05-01T00:00:00Z', 'commit', '-base');
      const baseLock = await fileAt(repo.bare, 'main', LOCK);
      await Promise.all([push('1.2.3', 'r-1'), push('latest', 'l-1')]);

      const first = await job(repo, '2026-05-02T00:00:00Z', 'pull-request', '-1');
      expect(first.publish?.groups.map((g) => [g.key, g.status, g.branch])).toEqual([
        ['default/app', 'created', MAIN],
        ['default/app:1.2.3', 'created', ALARM],
      ]);
      const [stream, alarm] = [MAIN, ALARM].map((b) => repo.api.pulls.find((p) => p.head === b)!);
      expect(alarm!.labels).toContain('imagestreams:republished');
      expect(alarm!.body).toMatch(
        /^<!-- imagestreams:group=default\/app:1\.2\.3 -->\n\n> \[!CAUTION\]\n> - `default\/app:1\.2\.3` looks like an immutable version tag/,
      );
      expect(alarm!.body).not.toContain('default/app:latest');
      expect(stream!.labels).not.toContain('imagestreams:republished');
      expect(stream!.body).not.toContain('[!CAUTION]');
      // autoMerge: merge applies to the stream's PR; an alarm never merges itself.
      expect([stream!.autoMerge, alarm!.autoMerge]).toEqual(['MERGE', null]);
      // The alarm branch moves only 1.2.3, the stream branch everything but 1.2.3 (in the lock and the consumer).
      const [streamLock, alarmLock] = await Promise.all([
        fileAt(repo.bare, MAIN, LOCK),
        fileAt(repo.bare, ALARM, LOCK),
      ]);
      expect(digestOf(alarmLock, '1.2.3')).not.toBe(digestOf(baseLock, '1.2.3'));
      expect(digestOf(alarmLock, 'latest')).toBe(digestOf(baseLock, 'latest'));
      expect(digestOf(streamLock, '1.2.3')).toBe(digestOf(baseLock, '1.2.3'));
      expect(digestOf(streamLock, 'latest')).not.toBe(digestOf(baseLock, 'latest'));
      const baseCompose = (await fileAt(repo.bare, 'main', 'deploy/compose.yaml'))!.split('\n');
      const alarmCompose = (await fileAt(repo.bare, ALARM, 'deploy/compose.yaml'))!.split('\n');
      const streamCompose = (await fileAt(repo.bare, MAIN, 'deploy/compose.yaml'))!.split('\n');
      expect([alarmCompose[2] !== baseCompose[2], alarmCompose[4] !== baseCompose[4]]).toEqual([true, false]);
      expect([streamCompose[2] !== baseCompose[2], streamCompose[4] !== baseCompose[4]]).toEqual([
        false,
        true,
      ]);

      // A quiet rerun from a fresh checkout writes nothing.
      const writes = repo.api.writes().length;
      const quiet = await job(repo, '2026-05-02T06:00:00Z', 'pull-request', '-2');
      expect(quiet.publish?.groups.map((g) => g.status)).toEqual(['unchanged', 'unchanged']);
      expect(repo.api.writes().length).toBe(writes);

      // Merged alarm first: main verifies, the stream PR is rebuilt on it, the alarm branch goes away.
      await merge(repo, ALARM);
      await verifyMain(repo, '-v1');
      const after = await job(repo, '2026-05-03T00:00:00Z', 'pull-request', '-3');
      expect(after.publish?.groups.map((g) => [g.key, g.status])).toEqual([
        ['default/app', 'updated'],
        ['default/app:1.2.3', 'nothing'],
      ]);
      expect(await fileAt(repo.bare, ALARM, LOCK)).toBeUndefined();
      await merge(repo, MAIN);
      await verifyMain(repo, '-v2');
      expect(digestOf(await fileAt(repo.bare, 'main', LOCK), '1.2.3')).toBe(digestOf(alarmLock, '1.2.3'));
      expect(digestOf(await fileAt(repo.bare, 'main', LOCK), 'latest')).toBe(digestOf(streamLock, 'latest'));
      expect(repo.api.violations).toEqual([]);
    } finally {
      await repo.api.close();
    }
  }, 120_000);

  it('closes the alarm PR when the tag goes back to the digest the base has', async () => {
    const push = (seed: string) => pushImage(parts.reg.url, 'team/back', '1.2.3', makeImage({ seed }));
    await push('b-0');
    const host = parts.reg.host;
    const repo = await hostedRepo(
      parts.server,
      parts.work,
      'back',
      {
        'imagestreams/app.yaml': files(host)
          ['imagestreams/app.yaml']!.replaceAll('team/rep', 'team/back')
          .replace(/ {4}- name: latest[\s\S]*$/, ''),
      },
      TOKEN,
    );
    try {
      await job(repo, '2026-05-01T00:00:00Z', 'commit', '-base');
      await push('b-1');
      const opened = await job(repo, '2026-05-02T00:00:00Z', 'pull-request', '-1');
      expect(opened.publish?.groups.map((g) => [g.key, g.status])).toEqual([
        ['default/app', 'nothing'],
        ['default/app:1.2.3', 'created'],
      ]);
      await push('b-0');
      const back = await job(repo, '2026-05-03T00:00:00Z', 'pull-request', '-2');
      expect(back.publish?.groups.map((g) => [g.key, g.status])).toEqual([
        ['default/app', 'nothing'],
        ['default/app:1.2.3', 'closed'],
      ]);
      expect(repo.api.pulls.map((p) => p.state)).toEqual(['closed']);
      expect(repo.api.violations).toEqual([]);
    } finally {
      await repo.api.close();
    }
  }, 120_000);
});
