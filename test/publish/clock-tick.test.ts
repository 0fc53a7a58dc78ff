// A run whose clock ticks between importing and publishing (a real runner's clock crosses a second boundary all
// the time): the images first seen in the run keep one time, so the next quiet run finds the branch already
// holding exactly its content and pushes nothing.

import * as fs from 'node:fs';
import igit from 'isomorphic-git';
import { describe, expect, it } from 'vitest';
import { makeImage, pushImage } from '../../scripts/lib/registry.js';
import { runJob } from '../../src/app/job.js';
import { createGitHub } from '../../src/github/client.js';
import { captureIO } from '../helpers/capture-io.js';
import { hostedRepo } from '../helpers/hosted-repo.js';
import { useRealParts } from '../helpers/real-parts.js';

const TOKEN = 'ghs_clocktick_0123456789abcdef';
const parts = useRealParts(TOKEN, 'tick');

describe('a clock that ticks during a run', () => {
  it('does not make the next quiet run push again', async () => {
    await pushImage(parts.reg.url, 'team/tick', 'v', makeImage({ seed: 'tick-1' }));
    const repo = await hostedRepo(
      parts.server,
      parts.work,
      'tick',
      {
        'imagestreams/app.yaml': `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app}
spec:
  tags:
    - name: v
      from: {kind: DockerImage, name: "${parts.reg.host}/team/tick:v"}
      importPolicy: {scheduled: true}
`,
      },
      TOKEN,
    );
    const octokit = createGitHub({ token: TOKEN, baseUrl: repo.api.url, retries: 0, throttle: false });
    let t = Date.parse('2026-04-01T00:00:00Z');
    const run = async (suffix: string) => {
      const io = captureIO(await repo.checkout(suffix));
      // Every reading of the clock is one second later than the one before.
      io.now = () => {
        t += 1000;
        return new Date(t);
      };
      return runJob(io, {
        github: { token: TOKEN, repository: 'acme/tick', octokit },
        publish: { mode: 'pull-request' },
      });
    };
    try {
      expect((await run('-1')).publish?.groups.map((g) => g.status)).toEqual(['created']);
      const tip = await igit.resolveRef({ fs, gitdir: repo.bare, ref: 'imagestreams/default/app' });
      const writes = repo.api.writes().length;
      expect((await run('-2')).publish?.groups.map((g) => g.status)).toEqual(['unchanged']);
      expect(await igit.resolveRef({ fs, gitdir: repo.bare, ref: 'imagestreams/default/app' })).toBe(tip);
      expect(repo.api.writes().length).toBe(writes);
      expect(repo.api.violations).toEqual([]);
    } finally {
      await repo.api.close();
    }
  }, 60_000);
});
