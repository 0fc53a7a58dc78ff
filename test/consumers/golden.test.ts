// Golden directories: test/golden/consumers/<case>/{before,after}/ plus expected.json (the structured result).
// Regenerate with UPDATE_GOLDEN=1 and review the diff by hand.

import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyConsumerPlan, findConsumers, planConsumerUpdates } from '../../src/consumers/index.js';
import { readTree } from '../helpers/golden-tree.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../golden/consumers');
const lock = JSON.parse(readFileSync(join(root, 'lock.json'), 'utf8')) as Record<string, string>;
const update = process.env.UPDATE_GOLDEN === '1';

const cases = readdirSync(root).filter((c) => statSync(join(root, c)).isDirectory());

describe('consumer golden directories', () => {
  it.each(cases)('%s: rewrites exactly the governed values and reports them', (name) => {
    const before = readTree(join(root, name, 'before'));
    const found = findConsumers(before, { defaultNamespace: 'default' });
    const plan = planConsumerUpdates(found.consumers, (ns, s, t) => lock[`${ns}/${s}:${t}`]);
    const changed = new Map(applyConsumerPlan(before, plan).map((f) => [f.path, f.text]));
    const after = before.map((f) => ({ path: f.path, text: changed.get(f.path) ?? f.text }));
    const result = {
      consumers: found.consumers.map(({ file, line, kind, target, follows, current, slot, part }) => ({
        file,
        line,
        kind,
        target,
        follows: `${follows.namespace}/${follows.stream}:${follows.tag}`,
        ...(part ? { part } : {}),
        current,
        rewritten: slot !== undefined,
      })),
      changes: plan.changes,
      unresolved: plan.unresolved.map((u) => ({
        file: u.consumer.file,
        line: u.consumer.line,
        follows: u.follows,
      })),
      errors: found.errors,
    };
    const expectedPath = join(root, name, 'expected.json');
    if (update) {
      rmSync(join(root, name, 'after'), { recursive: true, force: true });
      for (const f of after) {
        const p = join(root, name, 'after', f.path);
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, f.text);
      }
      writeFileSync(expectedPath, `${JSON.stringify(result, null, 2)}\n`);
    }
    expect(after).toEqual(readTree(join(root, name, 'after')));
    expect(result).toEqual(JSON.parse(readFileSync(expectedPath, 'utf8')));
  });

  it.each(cases)('%s: applying the plan twice changes nothing more (idempotent)', (name) => {
    const after = readTree(join(root, name, 'after'));
    const found = findConsumers(after, { defaultNamespace: 'default' });
    const plan = planConsumerUpdates(found.consumers, (ns, s, t) => lock[`${ns}/${s}:${t}`]);
    expect(plan.changes).toEqual([]);
  });
});
