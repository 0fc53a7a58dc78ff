// The daemon and a republished release tag: the move goes into the tag's own PR; the daemon's reused clone is seeded
// from that branch, so the same image pushed again rewrites nothing (no push, no API write), and a run that imports
// only another tag of the stream leaves the alarm PR as it is.

import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildDaemon, type DaemonSettings } from '../../src/daemon/main.js';
import { createGitHub } from '../../src/github/client.js';
import { silentLogger } from '../../src/util/logger.js';
import { captureIO } from '../helpers/capture-io.js';
import { git } from '../helpers/git-server.js';
import { freePort } from '../helpers/registry-server.js';
import { repoScenario, SECRET, type Servers, startServers, TOKEN, waitFor } from './scenario.js';

let servers: Servers;
let port: number;

beforeAll(async () => {
  port = await freePort();
  servers = await startServers(`http://127.0.0.1:${port}/webhooks/distribution`);
});
afterAll(async () => {
  await servers?.close();
});

it('a republished 1.0.0 opens its own PR; the same image again, or a move of another tag, leaves it alone', async () => {
  const sc = await repoScenario(servers, 'rep', { tags: ['1.0.0', 'edge'] });
  const settings: DaemonSettings = {
    host: '127.0.0.1',
    port,
    source: { kind: 'clone', url: sc.url, dir: join(servers.work, 'rep-clone') },
    token: TOKEN,
    repository: 'acme/rep',
    secret: SECRET,
    octokit: createGitHub({ token: TOKEN, baseUrl: sc.api.url, retries: 0, throttle: false }),
  };
  const daemon = buildDaemon(settings, captureIO(servers.work), silentLogger);
  await daemon.start();
  try {
    await waitFor(async () =>
      (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined,
    );
    await daemon.idle();
    await sc.pushNew('v2');
    const pr = await waitFor(() => sc.api.pulls.find((p) => p.state === 'open'));
    expect(pr.head).toBe('imagestreams/republished/default/app/1.0.0');
    await daemon.idle();
    expect(pr.labels).toContain('imagestreams:republished');
    const tip = await git(sc.bare, ['rev-parse', pr.head]);
    const writes = sc.api.writes().length;
    const runs = async () =>
      Number(
        /imagestreams_runs_total\{trigger="webhook"\} (\d+)/.exec(
          await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
        )?.[1] ?? 0,
      );
    const before = await runs();
    await sc.pushNew('v2');
    await waitFor(async () => ((await runs()) > before ? true : undefined));
    await daemon.idle();
    expect(await git(sc.bare, ['rev-parse', pr.head])).toBe(tip);
    expect(sc.api.writes().length).toBe(writes);
    expect(sc.api.pulls).toHaveLength(1);

    // Only `edge` is imported by the next run: the stream's own PR opens, the alarm PR stays as it is.
    await sc.pushNew('e2', 'edge');
    await waitFor(() => sc.api.pulls.find((p) => p.head === 'imagestreams/default/app'));
    await daemon.idle();
    expect(await git(sc.bare, ['rev-parse', pr.head])).toBe(tip);
    expect(sc.api.pulls.map((p) => [p.head, p.state])).toEqual([
      [pr.head, 'open'],
      ['imagestreams/default/app', 'open'],
    ]);
    expect(sc.api.violations).toEqual([]);
  } finally {
    await daemon.stop();
    await sc.api.close();
  }
}, 60_000);
