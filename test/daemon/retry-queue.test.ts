import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import type { JobResult } from '../../src/app/job.js';
import { backoffDelay } from '../../src/daemon/backoff.js';
import { createDaemon, type DaemonDeps, type JobRequest } from '../../src/daemon/daemon.js';
import { ImagestreamsError } from '../../src/model/errors.js';
import { createLogger, silentLogger } from '../../src/util/logger.js';
import { nthDigest } from '../helpers/builders.js';
import { generatedProject, manualTime, nullServer } from './fakes.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MIN = 60_000;

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Calls the daemon's HTTP listener with an in-memory request; resolves with the status. */
function post(listener: Listener, path: string, body: Buffer): Promise<number> {
  const req = Object.assign(Readable.from([body]), {
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
  }) as unknown as IncomingMessage;
  return new Promise((resolve) => {
    let status = 0;
    const res: { headersSent: boolean; [k: string]: unknown } = {
      headersSent: false,
      setHeader() {},
      writeHead(s: number) {
        status = s;
        res.headersSent = true;
      },
      end() {
        resolve(status);
      },
    };
    listener(req, res as unknown as ServerResponse);
  });
}

function okJob(): JobResult {
  return {
    run: { status: 'ok', diagnostics: [], written: [], result: { imports: [], changes: [] } },
  } as unknown as JobResult;
}

it('backoff doubles per failure, is capped, and jitters between half and all of the step', () => {
  const o = { baseMs: 1000, capMs: 60_000 };
  expect([1, 2, 3, 4, 10, 1000].map((n) => backoffDelay(n, { ...o, random: () => 0.999999 }))).toEqual([
    1000, 2000, 4000, 8000, 60_000, 60_000,
  ]);
  expect([1, 2, 3, 7].map((n) => backoffDelay(n, { ...o, random: () => 0 }))).toEqual([
    500, 1000, 2000, 30_000,
  ]);
});

for (const failing of ['git host (bad token)', 'stream (run crashes)'] as const) {
  it(`a failing ${failing} yields a bounded number of runs in a simulated hour, backing off with jitter`, async () => {
    const time = manualTime(T0);
    const project = generatedProject(2, 2);
    const attempts: number[] = [];
    let listener: Listener | undefined;
    let healthy = false;
    const fail = (): never => {
      throw new ImagestreamsError('GIT_AUTH_FAILED', 'the remote rejected the token (HTTP 401)', {
        permanent: true,
      });
    };
    const deps: DaemonDeps = {
      clock: time.clock,
      timers: time.timers,
      createServer: (l) => {
        listener = l;
        return nullServer();
      },
      logger: silentLogger,
      random: () => 0.5,
      workspace: {
        prepare: async () => {
          attempts.push(time.clock.now());
          // Guard for the old behaviour (a tight loop): stop it so the assertion below can report it.
          if (attempts.length > 200) void daemon.stop();
          if (failing === 'git host (bad token)' && !healthy) fail();
          return { project, head: null };
        },
        touch: () => {},
        finish: async () => {},
      },
      runJob: async (_req: JobRequest) => {
        if (failing === 'stream (run crashes)' && !healthy) {
          throw Object.assign(new Error('ENAMETOOLONG: name too long'), { code: 'ENAMETOOLONG' });
        }
        return okJob();
      },
    };
    const daemon = createDaemon(
      { host: '127.0.0.1', port: 0, intervalMs: 15 * MIN, retryMs: 10_000, maxRetryMs: 10 * MIN },
      deps,
    );
    await daemon.start();
    await time.advance(0);
    if (failing === 'stream (run crashes)') {
      // Webhooks arriving while the daemon backs off wait for the retry instead of starting runs.
      const envelope = Buffer.from(
        JSON.stringify({
          events: [
            { action: 'push', target: { repository: 's0', tag: 't0' }, request: { host: 'reg.example' } },
          ],
        }),
      );
      for (let i = 0; i < 20; i++)
        expect(await post(listener!, '/webhooks/distribution', envelope)).toBe(202);
    }
    await time.advance(60 * MIN);
    expect(attempts.length).toBeLessThanOrEqual(15);
    expect(attempts.length).toBeGreaterThanOrEqual(5);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    // 10 s base, equal jitter at 0.5 (three quarters of the step), doubling up to the 10 min cap.
    expect(gaps.slice(0, 6)).toEqual([7500, 15_000, 30_000, 60_000, 120_000, 240_000]);
    for (const g of gaps) expect(g).toBeLessThanOrEqual(10 * MIN);
    const metrics = daemon.metrics.render();
    expect(metrics).toContain(`imagestreams_consecutive_run_failures ${attempts.length}`);
    expect(metrics).toMatch(/imagestreams_retry_backoff_seconds [1-9]\d*/);
    expect(daemon.state().backingOff).toBe(true);
    // The remote recovers: the next retry succeeds and the gauges go back to 0.
    healthy = true;
    await time.advance(10 * MIN, () => daemon.idle());
    expect(daemon.metrics.render()).toContain('imagestreams_consecutive_run_failures 0');
    expect(daemon.metrics.render()).toContain('imagestreams_retry_backoff_seconds 0');
    expect(daemon.state().consecutiveFailures).toBe(0);
    await daemon.stop();
  });
}

/** A Distribution envelope of about `bytes` bytes: pushes of declared and undeclared images, many hosts. */
function envelope(seed: number, bytes: number): Buffer {
  const events: unknown[] = [];
  let size = 20;
  let i = 0;
  while (size < bytes) {
    const n = seed * 7919 + i++;
    const e = {
      id: `event-${n}`,
      action: 'push',
      target: {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: nthDigest(n),
        repository: n % 3 === 0 ? `undeclared/r${n}` : `s${n % 10}`,
        tag: `t${Math.floor(n / 10) % 100}`,
        url: `https://reg.example/v2/s${n % 10}/manifests/${'x'.repeat(400)}`,
      },
      request: { host: n % 4 === 0 ? `h${n}.attacker.example` : 'reg.example', useragent: 'y'.repeat(300) },
      actor: { name: 'ci' },
      source: { addr: '10.0.0.1:5000', instanceID: 'z'.repeat(200) },
    };
    const text = JSON.stringify(e);
    size += text.length + 1;
    events.push(e);
  }
  return Buffer.from(JSON.stringify({ events }));
}

it('300 envelopes of ~0.9 MB during a run: unmatched pushes dropped, the rest deduplicated, the queue capped', async () => {
  const time = manualTime(T0);
  const project = generatedProject(10, 100); // 1,000 tags importing reg.example/s<i>:t<j>
  let listener: Listener | undefined;
  let release: (() => void) | undefined;
  const forcedPerRun: number[] = [];
  const warnings: string[] = [];
  const daemon = createDaemon(
    { host: '127.0.0.1', port: 0, intervalMs: 15 * MIN, maxQueuedPushes: 300 },
    {
      clock: time.clock,
      timers: time.timers,
      createServer: (l) => {
        listener = l;
        return nullServer();
      },
      logger: createLogger((l) => warnings.push(l), { level: 'warn' }),
      workspace: {
        prepare: async () => ({ project, head: null }),
        touch: () => {},
        finish: async () => {},
      },
      runJob: async (req) => {
        forcedPerRun.push(req.forced?.size ?? 0);
        if (forcedPerRun.length === 2) await new Promise<void>((r) => (release = r)); // the webhook run hangs
        return okJob();
      },
    },
  );
  await daemon.start();
  await time.advance(0, () => daemon.idle());
  const first = envelope(0, 900_000);
  expect(first.length).toBeGreaterThan(850_000);
  expect(await post(listener!, '/webhooks/distribution', first)).toBe(202);
  await time.advance(0);
  expect(daemon.state().running).toBe(true); // the webhook run is in flight
  let maxQueued = 0;
  for (let k = 1; k < 300; k++) {
    expect(await post(listener!, '/webhooks/distribution', envelope(k, 900_000))).toBe(202);
    maxQueued = Math.max(maxQueued, daemon.state().queuedPushes);
  }
  expect(maxQueued).toBeLessThanOrEqual(300);
  const queued = daemon.queued();
  expect(queued).toHaveLength(300);
  // Only declared references on the declared host are kept; the senders' other hosts are not.
  for (const p of queued) {
    expect(p.hosts).toEqual(['reg.example']);
    expect(p.path).toMatch(/^s\d$/);
  }
  expect(JSON.stringify(queued).length).toBeLessThan(300 * 100);
  const metrics = daemon.metrics.render();
  expect(metrics).toContain('imagestreams_webhook_queue_pushes 300');
  expect(metrics).toMatch(/imagestreams_webhook_queue_dropped_total [1-9]\d*/);
  // One warning per filling of the queue (the first envelope's run, then the flood), not one per envelope.
  expect(warnings.filter((l) => l.includes('push queue full')).length).toBeLessThanOrEqual(2);
  release!();
  await time.advance(0, () => daemon.idle());
  // Everything queued during the run went into one next run.
  expect(forcedPerRun).toHaveLength(3);
  expect(forcedPerRun[2]).toBe(300);
  expect(daemon.state().queuedPushes).toBe(0);
  await daemon.stop();
}, 30_000);
