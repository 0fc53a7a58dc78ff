// Mistakes that used to end with exit 0: each must now fail, say where, and say how to fix it.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { executeAction } from '../../src/entry/action/execute.js';
import { readInputs } from '../../src/entry/action/inputs.js';
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

describe('the project root, found as git finds a repository', () => {
  it('validate from a subfolder finds the declarations at the repository root', async () => {
    const root = copyExample();
    mkdirSync(join(root, 'deploy', 'prod'), { recursive: true });
    const io = captureIO(join(root, 'deploy', 'prod'));
    expect(await main(['validate'], io)).toBe(0);
    expect(io.out()).toBe('1 file, 3 tags: valid\n');
  });

  it('validate from inside the declarations folder too', async () => {
    const root = copyExample();
    const io = captureIO(join(root, 'imagestreams'));
    expect(await main(['validate'], io)).toBe(0);
    expect(io.out()).toBe('1 file, 3 tags: valid\n');
  });

  it('a working directory that does not exist is an error (exit 2), not "0 files: valid"', async () => {
    const root = copyExample();
    const io = captureIO(join(root, 'nope'));
    expect(await main(['validate'], io)).toBe(2);
    expect(io.out()).toContain(`${join(root, 'nope')}:1:1: the working directory does not exist`);
  });

  it('the Action input `working-directory: nope` fails the step with exit 2', async () => {
    const workspace = copyExample();
    const inputs = readInputs({ 'INPUT_WORKING-DIRECTORY': 'nope', INPUT_COMMAND: 'validate' });
    const outcome = await executeAction(
      inputs,
      { eventName: 'push', workspace },
      { env: {}, log: () => {}, secrets: [] },
    );
    expect(outcome.exitCode).toBe(2);
  });

  it('finding no declarations is a warning that says where it looked', async () => {
    const root = copyExample();
    rmSync(join(root, 'imagestreams'), { recursive: true });
    const io = captureIO(root);
    expect(await main(['validate'], io)).toBe(0);
    expect(io.out()).toBe(
      `.imagestreams.yaml:1:1: warning: no ImageStream declarations found: looked in ${join(root, 'imagestreams')} (project root ${root}: the folder holding .imagestreams.yaml); add declarations there, or set "declarations" in .imagestreams.yaml\n0 files, 0 tags: valid (1 warning)\n`,
    );
  });
});
