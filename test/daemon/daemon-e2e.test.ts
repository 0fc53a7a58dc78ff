import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildDaemon, type DaemonSettings } from '../../src/daemon/main.js';
import { createGitHub } from '../../src/github/client.js';
import { parseLock } from '../../src/loader/lock-file.js';
import { createLogger } from '../../src/util/logger.js';
import { captureIO } from '../helpers/capture-io.js';
import { git } from '../helpers/git-server.js';
import { freePort } from '../helpers/registry-server.js';
import { LOCK, repoScenario, SECRET, type Servers, startServers, TOKEN, waitFor } from './scenario.js';

let servers: Servers;
let port: number;
const logs: string[] = [];

beforeAll(async () => {
  port = await freePort();
  servers = await startServers(`http://127.0.0.1:${port}/webhooks/distribution`);
});
afterAll(async () => {
  await servers?.close();
});

it('an image pushed to the real registry reaches the daemon as a notification and becomes a PR within seconds', async () => {
  const sc = await repoScenario(servers, 'e2e');
  const settings: DaemonSettings = {
    host: '127.0.0.1',
    port,
    source: { kind: 'clone', url: sc.url, dir: join(servers.work, 'clone') },
    token: TOKEN,
    repository: 'acme/e2e',
    secret: SECRET,
    octokit: createGitHub({ token: TOKEN, baseUrl: sc.api.url, retries: 0, throttle: false }),
  };
  const logger = createLogger((l) => logs.push(l), { json: true, level: 'debug' });
  const daemon = buildDaemon(settings, captureIO(servers.work), logger);
  await daemon.start();
  try {
    await waitFor(async () =>
      (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined,
    );
    await daemon.idle();
    expect(sc.api.pulls).toHaveLength(0); // the start-up pass finds the lock current

    const t0 = Date.now();
    const v2 = await sc.pushNew('v2');
    const pr = await waitFor(() => sc.api.pulls.find((p) => p.state === 'open'));
    const seconds = (Date.now() - t0) / 1000;
    expect(seconds).toBeLessThan(5);
    expect(pr.head).toBe('imagestreams/default/app');
    expect(pr.body).toContain(v2.replace('sha256:', '').slice(0, 12));

    // The branch on the real git server is complete: its lock parses and names the new digest.
    await daemon.idle();
    const lockText = await git(sc.bare, ['show', `${pr.head}:${LOCK}`]);
    const lock = parseLock(lockText, LOCK);
    expect(lock.status.tags[0]!.items[0]!.image).toBe(v2);
    expect(lock.status.tags[0]!.items[1]!.image).toBe(sc.v1);
    await git(sc.bare, ['fsck', '--strict']);
    // The daemon's clone is back at main with nothing left over.
    expect(await git(settings.source.dir, ['status', '--porcelain'])).toBe('');

    // A second push moves the same PR (force-push with lease), it does not open another.
    const v3 = await sc.pushNew('v3');
    await waitFor(async () => {
      const text = await git(sc.bare, ['show', `${pr.head}:${LOCK}`]);
      return parseLock(text, LOCK).status.tags[0]!.items[0]!.image === v3 ? true : undefined;
    });
    await daemon.idle();
    expect(sc.api.pulls).toHaveLength(1);

    // The same image pushed again: a run happens, finds the branch already holding exactly this content, and
    // neither pushes nor writes to the API (the daemon's own clone is a reused work tree, seeded from the PR).
    const runs = async () =>
      Number(
        /imagestreams_runs_total\{trigger="webhook"\} (\d+)/.exec(
          await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
        )?.[1] ?? 0,
      );
    const before = await runs();
    const writes = sc.api.writes().length;
    const tip = await git(sc.bare, ['rev-parse', pr.head]);
    await sc.pushNew('v3');
    await waitFor(async () => ((await runs()) > before ? true : undefined));
    await daemon.idle();
    expect(sc.api.writes().length).toBe(writes);
    expect(await git(sc.bare, ['rev-parse', pr.head])).toBe(tip);

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('imagestreams_pull_requests_opened_total 1\n');
    expect(metrics).toMatch(/imagestreams_runs_total\{trigger="webhook"\} [1-9]/);
    expect(metrics).toContain('imagestreams_runs_total{trigger="startup"} 1\n');
    expect(metrics).toMatch(/imagestreams_last_success_timestamp_seconds\{stream="default\/app"\} \d+/);
    expect(sc.api.violations).toEqual([]);
  } finally {
    await daemon.stop();
    await sc.api.close();
  }
  if (process.env.DAEMON_TEST_LOGS) console.log(logs.join(''));
  // JSON log lines, and no secret in them.
  for (const l of logs) expect(() => JSON.parse(l)).not.toThrow();
  expect(logs.join('')).not.toContain(TOKEN);
  expect(logs.join('')).not.toContain(SECRET);
});
