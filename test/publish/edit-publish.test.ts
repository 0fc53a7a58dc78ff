// Editing commands with --publish, end to end over real parts (Distribution registry, git http-backend, the
// OpenAPI-validated GitHub fake): a promotion between namespaces and a rollback each open one PR that carries the
// declaration edit, the locks and the consumers, described from its diff. The bodies are golden files.

import * as fs from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import igit from 'isomorphic-git';
import { describe, expect, it } from 'vitest';
import { makeImage, pushImage } from '../../scripts/lib/registry.js';
import { main } from '../../src/entry/cli.js';
import { runActionBundle } from '../action/harness.js';
import { captureIO } from '../helpers/capture-io.js';
import { fileAt, type HostedRepo, hostedRepo } from '../helpers/hosted-repo.js';
import { useRealParts } from '../helpers/real-parts.js';

const TOKEN = 'ghs_editsecret_0123456789abcdef';
const GOLDEN = new URL('./golden/', import.meta.url).pathname;
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const parts = useRealParts(TOKEN, 'edit');

const DEV = (host: string) => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: dev
spec:
  tags:
    - name: latest
      from: {kind: DockerImage, name: "${host}/team/app:main"}
      importPolicy: {scheduled: true}
`;

const COMPOSE = `services:
  web:
    image: example.invalid/app:0 # imagestream: dev/app:latest
  live:
    image: example.invalid/app:0 # imagestream: prod/app:live
`;

/** Runs the CLI in `dir` with the environment a workflow gives it. */
async function cli(repo: HostedRepo, dir: string, now: string, ...argv: string[]) {
  const io = captureIO(dir, {
    now,
    env: { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: `acme/${repo.name}`, GITHUB_API_URL: repo.api.url },
  });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** The body with run-specific values (registry port, digests) replaced, compared with (or written to) a golden. */
async function golden(name: string, text: string, digests: Record<string, string>): Promise<void> {
  let stable = text.replaceAll(parts.reg.host, 'registry.test');
  for (const [label, d] of Object.entries(digests)) {
    stable = stable.replaceAll(d, `<${label}>`).replaceAll(d.slice(0, 19), `<${label}:short>`);
  }
  const file = join(GOLDEN, name);
  if (UPDATE) await writeFile(file, stable);
  expect(stable).toBe(await readFile(file, 'utf8'));
}

describe('editing commands with --publish', () => {
  it('promotes dev/app:latest to prod/app:live in one PR: new file under prod/, lock, consumer; dev untouched', async () => {
    const v1 = makeImage({ seed: 'promo-1' });
    await pushImage(parts.reg.url, 'team/app', 'main', v1);
    const repo = await hostedRepo(
      parts.server,
      parts.work,
      'promo',
      {
        '.imagestreams.yaml': 'namespace: dev\n',
        'imagestreams/app.yaml': DEV(parts.reg.host),
        'deploy/compose.yaml': COMPOSE,
      },
      TOKEN,
    );
    try {
      // The base: dev/app locked and its consumer pinned, on main.
      const base = await repo.checkout('-base');
      const first = await cli(repo, base, '2026-02-01T00:00:00Z', 'reconcile', '--publish', 'commit');
      expect(first.code, first.err).toBe(0);

      // Promote from a fresh checkout: one PR, with the new declaration, prod's lock and prod's consumer line.
      const dir = await repo.checkout('-promote');
      const r = await cli(
        repo,
        dir,
        '2026-02-02T00:00:00Z',
        'tag',
        'dev/app:latest',
        'prod/app:live',
        '--publish',
        'pull-request',
      );
      expect(r.code, r.err).toBe(0);
      expect(await readFile(join(dir, 'imagestreams/app.yaml'), 'utf8')).toBe(DEV(parts.reg.host));
      expect(repo.api.pulls).toHaveLength(1);
      const pr = repo.api.pulls[0]!;
      expect(pr.head).toBe('imagestreams/prod/app');
      expect(pr.title).toBe(`Promote dev/app:latest to prod/app:live at ${v1.digest.slice(0, 19)}`);
      const declared = await fileAt(repo.bare, pr.head, 'imagestreams/prod/app.yaml');
      expect(declared).toContain('namespace: prod');
      expect(declared).toContain(`app@${v1.digest}`);
      expect(await fileAt(repo.bare, pr.head, 'imagestreams/app.yaml')).toBe(DEV(parts.reg.host));
      const lock = JSON.parse((await fileAt(repo.bare, pr.head, 'imagestreams.lock/prod/app.json'))!);
      expect(lock.status.tags[0].items[0].image).toBe(v1.digest);
      const compose = (await fileAt(repo.bare, pr.head, 'deploy/compose.yaml'))!;
      expect(compose).toContain(
        `image: ${parts.reg.host}/team/app@${v1.digest} # imagestream: prod/app:live`,
      );
      await golden('promotion.body.md', pr.body ?? '', { v1: v1.digest });

      // A scheduled run on main (which does not declare prod/app yet) leaves the promotion PR alone.
      const writes = repo.api.writes().length;
      const again = await cli(
        repo,
        await repo.checkout('-sched'),
        '2026-02-03T00:00:00Z',
        'reconcile',
        '--publish',
        'pull-request',
      );
      expect(again.code, again.err).toBe(0);
      expect(repo.api.writes().length).toBe(writes);
      expect(repo.api.pulls[0]!.state).toBe('open');
      expect(repo.api.violations).toEqual([]);
    } finally {
      await repo.api.close();
    }
  }, 60_000);

  it('rolls back in one PR: declaration edit, lock, consumers, and how to follow upstream again', async () => {
    const v1 = makeImage({ seed: 'rb-1' });
    const v2 = makeImage({ seed: 'rb-2' });
    await pushImage(parts.reg.url, 'team/app', 'main', v1);
    const repo = await hostedRepo(
      parts.server,
      parts.work,
      'rollback',
      {
        '.imagestreams.yaml': 'namespace: dev\n',
        'imagestreams/app.yaml': DEV(parts.reg.host),
        'deploy/compose.yaml': COMPOSE.split('\n').slice(0, 3).join('\n').concat('\n'),
      },
      TOKEN,
    );
    try {
      const base = await repo.checkout('-base');
      expect((await cli(repo, base, '2026-02-01T00:00:00Z', 'reconcile', '--publish', 'commit')).code).toBe(
        0,
      );
      await pushImage(parts.reg.url, 'team/app', 'main', v2);
      const moved = await repo.checkout('-moved');
      expect((await cli(repo, moved, '2026-02-02T00:00:00Z', 'reconcile', '--publish', 'commit')).code).toBe(
        0,
      );

      const dir = await repo.checkout('-rollback');
      const r = await cli(
        repo,
        dir,
        '2026-02-03T00:00:00Z',
        'rollback',
        'app:latest',
        '--publish',
        'pull-request',
      );
      expect(r.code, r.err + r.out).toBe(0);
      expect(repo.api.pulls).toHaveLength(1);
      const pr = repo.api.pulls[0]!;
      expect(pr.title).toBe(`Roll back dev/app:latest to ${v1.digest.slice(0, 19)}`);
      expect(await fileAt(repo.bare, pr.head, 'imagestreams/app.yaml')).toContain(`name: "app@${v1.digest}"`);
      expect(await fileAt(repo.bare, pr.head, 'deploy/compose.yaml')).toContain(`team/app@${v1.digest}`);
      await golden('rollback.body.md', pr.body ?? '', { v1: v1.digest, v2: v2.digest });

      // The same desired state again, from the reused work tree: no push, no API write.
      const writes = repo.api.writes().length;
      const again = await cli(repo, dir, '2026-02-04T00:00:00Z', 'reconcile', '--publish', 'pull-request');
      expect(again.code, again.err).toBe(0);
      expect(repo.api.writes().length).toBe(writes);

      // The rollback PR is closed unmerged, upstream moves on and a commit-mode run lands v3 on main. The old work
      // tree is now behind the base: rerunning there must not propose its older images (that would move main
      // back); it says why instead, and pushes and writes nothing.
      pr.state = 'closed';
      await igit.deleteRef({ fs, gitdir: repo.bare, ref: `refs/heads/${pr.head}` });
      const v3 = makeImage({ seed: 'rb-3' });
      await pushImage(parts.reg.url, 'team/app', 'main', v3);
      const fresh = await repo.checkout('-fresh');
      expect((await cli(repo, fresh, '2026-02-05T00:00:00Z', 'reconcile', '--publish', 'commit')).code).toBe(
        0,
      );
      const heads = await igit.listBranches({ fs, gitdir: repo.bare });
      const stale = await cli(repo, dir, '2026-02-06T00:00:00Z', 'reconcile', '--publish', 'pull-request');
      expect(stale.err).toMatch(/dev\/app: skipped .*moved since this checkout/);
      expect(await igit.listBranches({ fs, gitdir: repo.bare })).toEqual(heads);
      expect(repo.api.writes().length).toBe(writes);
      expect(repo.api.violations).toEqual([]);
    } finally {
      await repo.api.close();
    }
  }, 60_000);

  it('the Action runs rollback with --publish from workflow_dispatch, and refuses it on pull_request', async () => {
    const v1 = makeImage({ seed: 'act-1' });
    const v2 = makeImage({ seed: 'act-2' });
    await pushImage(parts.reg.url, 'team/app', 'main', v1);
    const repo = await hostedRepo(
      parts.server,
      parts.work,
      'actedit',
      { '.imagestreams.yaml': 'namespace: dev\n', 'imagestreams/app.yaml': DEV(parts.reg.host) },
      TOKEN,
    );
    try {
      expect(
        (
          await cli(
            repo,
            await repo.checkout('-b'),
            '2026-02-01T00:00:00Z',
            'reconcile',
            '--publish',
            'commit',
          )
        ).code,
      ).toBe(0);
      await pushImage(parts.reg.url, 'team/app', 'main', v2);
      expect(
        (
          await cli(
            repo,
            await repo.checkout('-m'),
            '2026-02-02T00:00:00Z',
            'reconcile',
            '--publish',
            'commit',
          )
        ).code,
      ).toBe(0);
      const common = { repository: `acme/${repo.name}`, apiUrl: repo.api.url };
      const refused = await runActionBundle({
        ...common,
        inputs: { command: 'rollback', args: 'app:latest', token: TOKEN },
        eventName: 'pull_request',
        event: {
          pull_request: {
            number: 9,
            head: { ref: 'x', repo: { full_name: `acme/${repo.name}` } },
            base: { ref: 'main' },
          },
        },
        workspace: await repo.checkout('-pr'),
      });
      expect(refused.exitCode).not.toBe(0);
      expect(refused.stdout + refused.stderr).toContain('not on "pull_request"');
      const run = await runActionBundle({
        ...common,
        inputs: { command: 'rollback', args: 'app:latest', token: TOKEN },
        eventName: 'workflow_dispatch',
        event: {},
        workspace: await repo.checkout('-wd'),
      });
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(repo.api.pulls).toHaveLength(1);
      expect(repo.api.pulls[0]!.title).toBe(`Roll back dev/app:latest to ${v1.digest.slice(0, 19)}`);
      expect(JSON.parse(run.outputs['pull-requests']!)).toHaveLength(1);
      // The runner masks what ::add-mask:: announces; nothing else may carry the token.
      const shown = (run.stdout + run.stderr + run.summary).replace(/^::add-mask::.*$/gm, '');
      expect(shown).not.toContain(TOKEN);
      expect(repo.api.violations).toEqual([]);
    } finally {
      await repo.api.close();
    }
  }, 60_000);
});
