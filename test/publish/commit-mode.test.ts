// Commit mode from a checkout the remote has moved past: an unrelated push is built upon, but a push that changed
// one of the files this run would commit is never overwritten (the work tree may hold older images).

import * as fs from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import igit from 'isomorphic-git';
import { describe, expect, it } from 'vitest';
import { makeImage, pushImage } from '../../scripts/lib/registry.js';
import { main } from '../../src/entry/cli.js';
import { captureIO } from '../helpers/capture-io.js';
import { git } from '../helpers/git-server.js';
import { type HostedRepo, hostedRepo } from '../helpers/hosted-repo.js';
import { useRealParts } from '../helpers/real-parts.js';

const TOKEN = 'ghs_commitmode_0123456789abcdef';
const parts = useRealParts(TOKEN, 'commit');

async function reconcile(repo: HostedRepo, dir: string, now: string) {
  const io = captureIO(dir, { now, env: { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: `acme/${repo.name}` } });
  const code = await main(['reconcile', '--publish', 'commit'], io);
  return { code, err: io.err() };
}

describe('commit mode from a stale checkout', () => {
  it('builds on an unrelated push, refuses when the remote changed a file it would commit', async () => {
    await pushImage(parts.reg.url, 'team/app', 'main', makeImage({ seed: 'cm-1' }));
    const repo = await hostedRepo(
      parts.server,
      parts.work,
      'commitmode',
      {
        'imagestreams/app.yaml': `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app}
spec:
  tags:
    - name: main
      from: {kind: DockerImage, name: "${parts.reg.host}/team/app:main"}
      importPolicy: {scheduled: true}
`,
      },
      TOKEN,
    );
    try {
      expect((await reconcile(repo, await repo.checkout('-base'), '2026-03-01T00:00:00Z')).code).toBe(0);
      const stale = await repo.checkout('-stale');

      // Someone pushes an unrelated file: the stale checkout's run builds on top of it.
      const other = await repo.checkout('-other');
      await writeFile(join(other, 'NOTES.md'), 'unrelated\n');
      await git(other, ['add', 'NOTES.md']);
      await git(other, ['-c', 'user.name=x', '-c', 'user.email=x@example.com', 'commit', '-qm', 'notes']);
      await git(other, ['push', '-q', 'origin', 'main']);
      await pushImage(parts.reg.url, 'team/app', 'main', makeImage({ seed: 'cm-2' }));
      const built = await reconcile(repo, stale, '2026-03-02T00:00:00Z');
      expect(built.code, built.err).toBe(0);
      const tip = await igit.resolveRef({ fs, gitdir: repo.bare, ref: 'main' });

      // Then a fresh run moves the lock on main; the old checkout, run again, must not overwrite it.
      await pushImage(parts.reg.url, 'team/app', 'main', makeImage({ seed: 'cm-3' }));
      expect((await reconcile(repo, await repo.checkout('-fresh'), '2026-03-03T00:00:00Z')).code).toBe(0);
      const moved = await igit.resolveRef({ fs, gitdir: repo.bare, ref: 'main' });
      expect(moved).not.toBe(tip);
      await pushImage(parts.reg.url, 'team/app', 'main', makeImage({ seed: 'cm-4' }));
      const refused = await reconcile(repo, stale, '2026-03-04T00:00:00Z');
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('moved on the remote since this checkout');
      expect(await igit.resolveRef({ fs, gitdir: repo.bare, ref: 'main' })).toBe(moved);
    } finally {
      await repo.api.close();
    }
  }, 60_000);
});
