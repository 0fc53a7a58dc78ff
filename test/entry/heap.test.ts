// boundHeapGrowth (src/entry/heap.ts), which bin/imagestreams.js calls once the command has loaded, takes
// effect when set from inside a running process: the young generation stays at its start size however much
// short-lived garbage a run makes. Checked in a child process, beside one that does not call it.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const HEAP = pathToFileURL(join(import.meta.dirname, '..', '..', 'build', 'entry', 'heap.js')).href;

/** The young generation's size (MB) after a burst of short-lived objects, with or without the bound. */
async function youngGenerationMb(bound: boolean): Promise<number> {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    const { boundHeapGrowth } = await import(${JSON.stringify(HEAP)});
    if (${bound}) boundHeapGrowth();
    const kept = [];
    for (let i = 0; i < 3e6; i++) { const o = { a: 'x' + i, b: [i] }; if (i % 50 === 0) kept.push(o); }
    const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(young.space_size / 1048576, kept.length);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
  return Number(stdout.split(' ')[0]);
}

describe('boundHeapGrowth', () => {
  it('keeps the young generation at its start size (V8 grows it to 32 MB by default)', async () => {
    const [free, bound] = await Promise.all([youngGenerationMb(false), youngGenerationMb(true)]);
    expect(bound).toBeLessThanOrEqual(4);
    expect(free).toBeGreaterThan(bound);
  }, 60_000);
});
