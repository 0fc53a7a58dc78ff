// A large reconcile report is written in batches (printRun's lineBatches, issue #17): the bytes are exactly those
// of one write of every line, each batch ends at a line's end, and none is much over 64 KB.

import { expect, it } from 'vitest';
import type { RunReconcileResult } from '../../src/app/reconcile.js';
import { printRun, renderChanges } from '../../src/entry/commands/reconcile.js';
import type { StreamChange } from '../../src/plan/changes.js';
import { captureIO } from '../helpers/capture-io.js';

it('writes a 10,000-line report in line-aligned batches with the bytes of one write', () => {
  const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
  const changes: StreamChange[] = Array.from({ length: 50 }, (_, s) => ({
    namespace: 'default',
    stream: `s${s}`,
    lockFile: `imagestreams.lock/default/s${s}.json`,
    tags: Array.from({ length: 100 }, (_, t) => ({
      namespace: 'default',
      stream: `s${s}`,
      tag: `t${t}`,
      kind: 'moved' as const,
      from: { image: digest(t), dockerImageReference: `r.example/a/s${s}@${digest(t)}` },
      to: { image: digest(t + 1), dockerImageReference: `r.example/a/s${s}@${digest(t + 1)}` },
    })),
  })) as unknown as StreamChange[];
  const consumers = Array.from({ length: 5000 }, (_, i) => ({
    file: `deploy/d${i}.yaml`,
    line: 12,
    target: `Deployment/d${i} container "app" ↳ ✓`,
    follows: `default/s${i % 50}:t${i % 100}`,
    from: 'old',
    to: `r.example/a/s1@${digest(i)}`,
  }));
  const run = {
    status: 'ok',
    diagnostics: [],
    written: [],
    result: { changes, failedPins: [], failed: 0, skipped: 0, imports: [], dryRun: false },
    consumers: { changes: consumers, unresolved: [], diagnostics: [], files: [] },
  } as unknown as RunReconcileResult;
  const io = captureIO('/nowhere');
  const writes: string[] = [];
  const stdout = io.stdout;
  io.stdout = (t) => {
    writes.push(t);
    stdout(t);
  };
  expect(printRun(run, io, false)).toBe(0);
  const lines = [
    ...renderChanges(changes),
    ...consumers.map((c) => `  ↳ ${c.file}:${c.line}  ${c.target}  → ${c.to}`),
  ];
  expect(io.out()).toBe(`${lines.join('\n')}\n`);
  expect(writes.length).toBeGreaterThan(10);
  for (const w of writes) {
    expect(w.endsWith('\n')).toBe(true);
    expect(w.length).toBeLessThan(65536 + 1024);
  }
});
