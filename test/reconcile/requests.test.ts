// Issue 11, finding 4: confirming a moved digest by hashing costs only on moves. A no-op reconcile stays at one
// registry request per tag; each moved single-platform tag costs one HEAD plus one GET by digest.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeImage,
  pool,
  pushImage,
  type RunningRegistry,
  startRegistry,
} from '../../scripts/lib/registry.js';
import { main } from '../../src/entry/cli.js';
import { createLogger } from '../../src/util/logger.js';
import { captureIO } from '../helpers/capture-io.js';

const STREAMS = 10;
const TAGS = 5;
let reg: RunningRegistry;
let dir: string;

const push = (seed: string, indexes: number[]) =>
  pool(indexes, 8, (i) =>
    pushImage(reg.url, `req/s${Math.floor(i / TAGS)}`, [`t${i % TAGS}`], makeImage({ seed: `${seed}-${i}` })),
  );

/** A run's answers by status, from its debug lines (one per request). */
type Statuses = Record<number, number>;

async function reconcile(
  statuses: Statuses = {},
): Promise<{ requests: number; changes: { tags: unknown[] }[] }> {
  const io = captureIO(dir);
  io.logger = createLogger(
    (line) => {
      const status = (JSON.parse(line) as { status?: number }).status;
      if (status !== undefined) statuses[status] = (statuses[status] ?? 0) + 1;
    },
    { level: 'debug', json: true },
  );
  const code = await main(['reconcile', '--json'], io);
  expect(code, io.err()).toBe(0);
  return JSON.parse(io.out());
}

beforeAll(async () => {
  reg = await startRegistry();
  dir = mkdtempSync(join(tmpdir(), 'requests-'));
  mkdirSync(join(dir, 'imagestreams'));
  await push(
    'v1',
    Array.from({ length: STREAMS * TAGS }, (_, i) => i),
  );
  for (let s = 0; s < STREAMS; s++) {
    const tags = Array.from(
      { length: TAGS },
      (_, t) =>
        `    - name: t${t}\n      from: {kind: DockerImage, name: "${reg.host}/req/s${s}:t${t}"}\n      importPolicy: {scheduled: true}\n`,
    ).join('');
    writeFileSync(
      join(dir, 'imagestreams', `s${s}.yaml`),
      `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: s${s}\nspec:\n  tags:\n${tags}`,
    );
  }
});
afterAll(async () => {
  await reg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('registry requests per tag', () => {
  it('a no-op run costs 1.00 request per tag; a moved tag adds one GET to confirm its digest', async () => {
    const tags = STREAMS * TAGS;
    const first = await reconcile();
    expect(first.requests).toBe(2 * tags); // a first import is a move from nothing: HEAD + GET each
    const noop = await reconcile();
    expect(noop.requests / tags).toBe(1);
    const moved = Array.from({ length: tags / 10 }, (_, k) => k * 10);
    await push('v2', moved);
    const after = await reconcile();
    expect(after.changes.flatMap((c) => c.tags)).toHaveLength(moved.length);
    expect(after.requests).toBe(tags + moved.length);
  });

  it('once the registry has shown digest ETags, unchanged tags are answered 304 and moved ones still move', async () => {
    const tags = STREAMS * TAGS;
    const noop: Statuses = {};
    expect((await reconcile(noop)).changes).toEqual([]);
    // The first answers (as many as are in flight before one comes back) teach the client; the rest are 304s.
    expect(noop[304]).toBeGreaterThanOrEqual(tags - 16);
    expect((noop[200] ?? 0) + noop[304]!).toBe(tags);
    const moved = [3, 17, 44];
    await push('v3', moved);
    const run: Statuses = {};
    const after = await reconcile(run);
    expect(after.changes.flatMap((c) => c.tags)).toHaveLength(moved.length);
    // Each moved tag: a 200 to its HEAD (conditional or not), then a GET by digest to confirm it.
    expect(run[304]).toBeGreaterThanOrEqual(tags - 16 - moved.length);
    expect(after.requests).toBe(tags + moved.length);
    expect((await reconcile()).changes).toEqual([]);
  });
});
