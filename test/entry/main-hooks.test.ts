// main()'s `loaded` hook: bin/imagestreams.js bounds the heap there, once the command's code has loaded (loading
// it grows the young generation; bounded before, start-up scavenged twice as often). It runs once per command
// line that names a command, before the command parses its options or writes anything, and never otherwise.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/entry/cli.js';
import { captureIO } from '../helpers/capture-io.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'basic');

describe('main hooks', () => {
  it('calls loaded once, after the command loads and before it writes', async () => {
    const io = captureIO(EXAMPLE);
    const outputAtLoad: string[] = [];
    const loaded = () => outputAtLoad.push(io.out());
    expect(await main(['validate'], io, { loaded })).toBe(0);
    expect(outputAtLoad).toEqual(['']);
    expect(io.out()).toMatch(/valid/);
  });

  it('calls loaded for a bad option too (the command loaded), not for --version, --help or an unknown command', async () => {
    let calls = 0;
    const loaded = () => {
      calls++;
    };
    expect(await main(['validate', '--no-such-option'], captureIO(EXAMPLE), { loaded })).toBe(2);
    expect(calls).toBe(1);
    expect(await main(['--version'], captureIO(EXAMPLE), { loaded })).toBe(0);
    expect(await main(['--help'], captureIO(EXAMPLE), { loaded })).toBe(0);
    expect(await main(['no-such-command'], captureIO(EXAMPLE), { loaded })).toBe(2);
    expect(calls).toBe(1);
  });
});
