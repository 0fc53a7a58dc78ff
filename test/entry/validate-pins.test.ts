import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/entry/cli.js';
import { captureIO } from '../helpers/capture-io.js';

const GOLDEN = join(import.meta.dirname, '..', 'golden', 'reconcile');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'validate-pins-'));
  dirs.push(dir);
  cpSync(join(GOLDEN, from), dir, { recursive: true });
  const lock = join(dir, 'imagestreams.lock/default/python.json');
  writeFileSync(lock, readFileSync(lock, 'utf8').replaceAll(['$', '{REGISTRY}'].join(''), 'localhost:5000'));
  return dir;
}

describe('validate and the lock history', () => {
  it("warns when a pin's digest is not in the lock's history (exit 0: a warning)", async () => {
    const io = captureIO(project('pin-pruned/before'));
    expect(await main(['validate'], io)).toBe(0);
    expect(io.out()).toContain(
      'imagestreams/python.yaml:11:15: warning: tag "3.12" pins sha256:0badc0de, which is not in the history of default/python (historyLimit 10 may have pruned it)',
    );
    expect(io.out()).toMatch(/1 file, 2 tags: valid \(1 warning\)\n$/);
  });

  it('says nothing when the pinned image is in the history', async () => {
    const io = captureIO(project('rollback/after'));
    expect(await main(['validate'], io)).toBe(0);
    expect(io.out()).toBe('1 file, 2 tags: valid\n');
  });
});
