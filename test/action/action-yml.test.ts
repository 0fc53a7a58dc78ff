// action.yml and the example workflows agree: every input an example passes exists, every input and output is
// documented, the entry is the committed bundle on node24, and the examples ask for the permissions they need.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
const EXAMPLES = join(ROOT, 'examples', 'workflows');
const workflows = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => ({ file: f, wf: parse(readFileSync(join(EXAMPLES, f), 'utf8')) }));

type Step = { uses?: string; with?: Record<string, unknown> };
const ourSteps = (wf: { jobs: Record<string, { steps: Step[] }> }) =>
  Object.values(wf.jobs)
    .flatMap((j) => j.steps)
    .filter((s) => s.uses?.startsWith('OWNER/imagestreams@'));

describe('action.yml', () => {
  it('runs the committed bundle on node24 and documents every input and output', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(existsSync(join(ROOT, action.runs.main))).toBe(true);
    expect(Object.keys(action.inputs).sort()).toEqual(
      [
        'args',
        'command',
        'comment',
        'config',
        'dry-run',
        'metadata',
        'publish',
        'streams',
        'token',
        'working-directory',
        'lock-pr',
      ].sort(),
    );
    expect(Object.keys(action.outputs).sort()).toEqual(['changed', 'exit-code', 'pull-requests', 'result']);
    for (const [name, spec] of Object.entries({ ...action.inputs, ...action.outputs })) {
      expect((spec as { description?: string }).description?.length, name).toBeGreaterThan(20);
    }
    expect(action.inputs.token.default).toBe(['$', '{{ github.token }}'].join(''));
    expect(action.branding).toMatchObject({ icon: expect.any(String), color: expect.any(String) });
  });
});

describe('examples/workflows', () => {
  it.each(workflows)('$file passes only inputs that action.yml declares', ({ wf }) => {
    const steps = ourSteps(wf);
    expect(steps.length).toBeGreaterThan(0);
    for (const s of steps) for (const k of Object.keys(s.with ?? {})) expect(action.inputs).toHaveProperty(k);
  });

  it('ask for the permissions each command needs, and no more', () => {
    const byFile = Object.fromEntries(workflows.map(({ file, wf }) => [file, wf]));
    expect(byFile['imagestreams-reconcile.yml'].permissions).toEqual({
      contents: 'write',
      'pull-requests': 'write',
    });
    expect(byFile['imagestreams-reconcile.yml'].concurrency).toMatchObject({ 'cancel-in-progress': false });
    expect(byFile['imagestreams-pr.yml'].permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(byFile['imagestreams-lock-pr.yml'].permissions).toEqual({
      contents: 'write',
      'pull-requests': 'write',
    });
    const dispatch = byFile['imagestreams-dispatch.yml'];
    expect(dispatch.permissions).toEqual({ contents: 'read', actions: 'write' });
    expect(Object.keys(dispatch.on)).toEqual(['push']);
    const checkout = Object.values(dispatch.jobs as Record<string, { steps: Step[] }>)[0]!.steps[0]!;
    expect(checkout.with?.['fetch-depth']).toBe(2);
  });
});
