// Mistakes that used to end with exit 0: each must now fail, say where, and say how to fix it.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { executeAction, readInputs } from '../../src/entry/action.js';
import { main } from '../../src/entry/cli.js';
import { captureIO } from '../helpers/capture-io.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'basic');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function copyExample(): string {
  const dir = mkdtempSync(join(tmpdir(), 'silent-greens-'));
  dirs.push(dir);
  cpSync(EXAMPLE, dir, { recursive: true });
  mkdirSync(join(dir, '.git'));
  return dir;
}

describe('a stream selection that selects nothing', () => {
  it('reconcile --stream with an unknown name exits 2 with the closest names and imports nothing', async () => {
    const io = captureIO(copyExample());
    expect(await main(['reconcile', '--stream', 'pyton', '--publish', 'none'], io)).toBe(2);
    expect(io.err()).toBe(
      'reconcile: no stream "pyton" is declared (closest: python); nothing was imported\n',
    );
    expect(io.out()).toBe('');
  });

  it('--json says so too', async () => {
    const io = captureIO(copyExample());
    expect(await main(['reconcile', '-s', 'default/nosuch', '--json', '--publish', 'none'], io)).toBe(2);
    expect(JSON.parse(io.out())).toMatchObject({
      status: 'invalid',
      usage: 'no stream "default/nosuch" is declared',
    });
  });

  it('the Action input `streams: nosuch` fails the step with exit 2', async () => {
    const workspace = copyExample();
    const log: string[] = [];
    const inputs = readInputs({ INPUT_STREAMS: 'nosuch', INPUT_PUBLISH: 'none' });
    const outcome = await executeAction(
      inputs,
      { eventName: 'schedule', workspace },
      { env: {}, log: (t) => log.push(t), secrets: [] },
    );
    expect(outcome.exitCode).toBe(2);
    expect(outcome.failure).toBe('reconcile: no stream "nosuch" is declared');
  });
});
