// `import`'s oc import-image policy options: bad values are usage errors (exit 2) before anything is read or
// written; the edits they make are checked by the golden cases import-policies and import-from-policies.
import { describe, expect, it } from 'vitest';
import { policyOps } from '../../src/app/import.js';
import { main } from '../../src/entry/cli.js';
import { policyFromOptions } from '../../src/entry/commands/import.js';
import { captureIO } from '../helpers/capture-io.js';

async function run(...argv: string[]) {
  const io = captureIO('/nonexistent');
  return { code: await main(['import', ...argv], io), err: io.err() };
}

describe('import policy options', () => {
  it.each([
    [
      ['app:1', '--import-mode', 'Whatever'],
      '--import-mode must be Legacy or PreserveOriginal, not "Whatever"',
    ],
    [['app:1', '--reference-policy', 'remote'], '--reference-policy must be source or local, not "remote"'],
    [['app', '--all', '--scheduled'], 'policy options change one tag; give STREAM:TAG instead of --all'],
  ])('%j is refused with exit 2', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it('sets key by key where the tag has the map, the whole map where it has none', () => {
    const p = policyFromOptions({
      scheduled: true,
      'import-mode': 'PreserveOriginal',
      'reference-policy': 'LOCAL',
    });
    if ('error' in p) throw new Error(p.error);
    expect(policyOps(p, undefined)).toEqual([
      { op: 'set', path: ['importPolicy'], value: { scheduled: true, importMode: 'PreserveOriginal' } },
      { op: 'set', path: ['referencePolicy'], value: { type: 'Local' } },
    ]);
    const tag = { name: '1', importPolicy: { insecure: true }, referencePolicy: { type: 'Source' } } as never;
    expect(policyOps(p, tag)).toEqual([
      { op: 'set', path: ['importPolicy', 'scheduled'], value: true },
      { op: 'set', path: ['importPolicy', 'importMode'], value: 'PreserveOriginal' },
      { op: 'set', path: ['referencePolicy', 'type'], value: 'Local' },
    ]);
  });
});
