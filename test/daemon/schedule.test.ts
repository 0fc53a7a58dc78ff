import { expect, it } from 'vitest';
import type { JobResult } from '../../src/app/job.js';
import { createDaemon, type JobRequest } from '../../src/daemon/daemon.js';
import { createSchedule, latestSlot, tagOffset } from '../../src/daemon/schedule.js';
import { silentLogger } from '../../src/util/logger.js';
import { generatedProject, manualTime, nullServer } from './fakes.js';

const MIN = 60_000;
const INTERVAL = 15 * MIN;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

it('gives each tag a stable offset inside the interval, spread evenly over it', () => {
  const keys = Array.from({ length: 1000 }, (_, i) => `default/s${i % 10}:t${i}`);
  const offsets = keys.map((k) => tagOffset(k, INTERVAL));
  expect(keys.map((k) => tagOffset(k, INTERVAL))).toEqual(offsets);
  for (const o of offsets) expect(o >= 0 && o < INTERVAL).toBe(true);
  // 15 one-minute buckets: none far from the mean of 66.7.
  const buckets = new Array(15).fill(0);
  for (const o of offsets) buckets[Math.floor(o / MIN)]++;
  expect(Math.max(...buckets)).toBeLessThan(100);
  expect(Math.min(...buckets)).toBeGreaterThan(40);
  expect(latestSlot(T0 + 5, 10, 100)).toBe(T0 - 90);
});

it('hands each tag out once per interval, at its slot, never above the minute budget', () => {
  const s = createSchedule({ intervalMs: INTERVAL, maxPerMinute: 1000 });
  const keys = Array.from({ length: 300 }, (_, i) => `default/s:t${i}`);
  s.setTags(keys, T0);
  expect(s.take(T0).due).toEqual([]); // known at start: first due at their next slot
  const seen = new Map<string, number>();
  for (let t = T0 + 1000; t <= T0 + INTERVAL; t += 1000) {
    for (const k of s.take(t).due) {
      expect(seen.has(k)).toBe(false);
      seen.set(k, t);
      const slot = latestSlot(t, tagOffset(k, INTERVAL), INTERVAL);
      expect(t - slot).toBeLessThan(1000);
    }
  }
  expect(seen.size).toBe(300);
});

it('holds tags over the budget back, oldest first, and wakes when the window frees', () => {
  const s = createSchedule({ intervalMs: INTERVAL, maxPerMinute: 10 });
  const keys = Array.from({ length: 100 }, (_, i) => `default/s:t${i}`);
  s.setTags(keys, T0);
  const times: number[] = [];
  let t = T0 + INTERVAL; // every tag is due now
  let waitingAtStart = 0;
  while (times.length < 100) {
    const take = s.take(t);
    if (times.length === 0) waitingAtStart = take.waiting;
    for (const _ of take.due) times.push(t);
    t = take.wakeAt;
  }
  expect(waitingAtStart).toBe(90);
  for (const x of times) expect(times.filter((y) => y > x - MIN && y <= x).length).toBeLessThanOrEqual(10);
  expect(times.at(-1)! - times[0]!).toBe(9 * MIN);
  s.record(10, t);
  expect(s.take(t).due).toEqual([]);
});

function fakeJob(req: JobRequest, log: { t: number; keys: string[] }[], now: () => number): JobResult {
  const keys = req.project.streams.flatMap((st) =>
    (st.object.spec?.tags ?? [])
      .map((tg) => `${st.namespace}/${st.name}:${tg.name}`)
      .filter((k) => req.forced?.has(k) || req.scheduledDue(k)),
  );
  log.push({ t: now(), keys });
  return {
    run: {
      status: 'ok',
      diagnostics: [],
      written: [],
      result: {
        imports: keys.map((key) => ({
          key,
          namespace: 'default',
          stream: key.slice(8, key.indexOf(':')),
          result: { ok: true },
        })),
        changes: [],
      },
    },
  } as unknown as JobResult;
}

it('the daemon imports 1,000 scheduled tags once per interval, spread out and within the per-minute limit', async () => {
  const time = manualTime(T0);
  const project = generatedProject(10, 100);
  const log: { t: number; keys: string[] }[] = [];
  const daemon = createDaemon(
    { host: '127.0.0.1', port: 0, intervalMs: INTERVAL, maxImportsPerMinute: 80, minGapMs: 5000 },
    {
      clock: time.clock,
      timers: time.timers,
      createServer: nullServer,
      logger: silentLogger,
      workspace: {
        prepare: async () => ({ project, head: null }),
        touch: () => {},
        finish: async () => {},
      },
      runJob: async (req) => fakeJob(req, log, time.clock.now),
    },
  );
  await daemon.start();
  await time.advance(0, () => daemon.idle());
  expect(log).toHaveLength(1); // start-up pass: nothing scheduled is due yet
  expect(log[0]!.keys).toEqual([]);
  // One interval plus the 5 s minimum gap between scheduled runs.
  await time.advance(INTERVAL + 5000, () => daemon.idle());
  const imported = log.slice(1).flatMap((r) => r.keys.map((k) => ({ k, t: r.t })));
  expect(new Set(imported.map((x) => x.k)).size).toBe(1000);
  // Only tags whose slot recurs within those extra 5 s were imported a second time.
  const again = imported.length - 1000;
  expect(again).toBeLessThan(20);
  const runs = log.slice(1).filter((r) => r.keys.length > 0);
  expect(runs.length).toBeGreaterThan(100); // spread over many small runs, not one burst
  for (let i = 1; i < runs.length; i++) expect(runs[i]!.t - runs[i - 1]!.t).toBeGreaterThanOrEqual(5000);
  for (const r of runs) {
    const inWindow = runs.filter((x) => x.t > r.t - MIN && x.t <= r.t).reduce((n, x) => n + x.keys.length, 0);
    expect(inWindow).toBeLessThanOrEqual(80);
  }
  expect(daemon.metrics.render()).toMatch(/imagestreams_runs_total\{trigger="schedule"\} \d+/);
  await daemon.stop();
});

it('coalesces scheduled tags that fall due during a run into the next run', async () => {
  const time = manualTime(T0);
  const project = generatedProject(1, 50);
  const log: { t: number; keys: string[] }[] = [];
  let release: (() => void) | undefined;
  const daemon = createDaemon(
    { host: '127.0.0.1', port: 0, intervalMs: MIN, maxImportsPerMinute: 1000, minGapMs: 0 },
    {
      clock: time.clock,
      timers: time.timers,
      createServer: nullServer,
      logger: silentLogger,
      workspace: {
        prepare: async () => ({ project, head: null }),
        touch: () => {},
        finish: async () => {},
      },
      runJob: async (req) => {
        const r = fakeJob(req, log, time.clock.now);
        if (log.length === 2) await new Promise<void>((res) => (release = res)); // first scheduled run hangs
        return r;
      },
    },
  );
  await daemon.start();
  await time.advance(0, () => daemon.idle());
  await time.advance(MIN); // the first scheduled run starts and hangs; the rest of the minute's tags queue
  expect(daemon.state().running).toBe(true);
  release!();
  await time.advance(0, () => daemon.idle());
  const keys = log.slice(1).flatMap((r) => r.keys);
  expect(new Set(keys).size).toBe(50);
  expect(log.length).toBeLessThan(10);
  await daemon.stop();
});
