// examples/workflows/imagestreams-on-push.yml, read by GitHub's own workflow parser: it starts a reconcile on a
// push to the default branch that touches the declarations or the config, and on nothing else (no pull_request,
// no schedule, not for pushes to other branches or touching only other files — the lock files it writes
// included, so its own output never starts it again).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const FILE = 'examples/workflows/imagestreams-on-push.yml';

async function events() {
  const text = readFileSync(join(ROOT, FILE), 'utf8');
  const parsed = parseWorkflow({ name: FILE, content: text }, new NoOperationTraceWriter());
  expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
  const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
  expect(template.errors ?? []).toEqual([]);
  return template.events;
}

/** GitHub's filter patterns as the example uses them: `*` (not `/`), `**` (anything), `!` (last match wins). */
function matches(patterns: readonly string[], value: string): boolean {
  let hit = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const p = negated ? raw.slice(1) : raw;
    const re = p
      .split('**')
      .map((part) =>
        part
          .split('*')
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]*'),
      )
      .join('.*');
    if (new RegExp(`^${re}$`).test(value)) hit = !negated;
  }
  return hit;
}

/** Whether the workflow starts for an event, as GitHub decides from `on:` (branch and path filters). */
function starts(
  on: Awaited<ReturnType<typeof events>>,
  event: { name: string; branch?: string; paths?: string[] },
): boolean {
  const config = (on as Record<string, unknown>)[event.name] as
    | { branches?: string[]; paths?: string[] }
    | undefined;
  if (!config) return false;
  if (config.branches && !matches(config.branches, event.branch ?? '')) return false;
  if (config.paths && !(event.paths ?? []).some((p) => matches(config.paths!, p))) return false;
  return true;
}

describe(FILE, () => {
  it('starts on a push to the default branch that touches a declaration or the config', async () => {
    const on = await events();
    expect(Object.keys(on)).toEqual(['push']);
    for (const paths of [
      ['imagestreams/python.yaml'],
      ['imagestreams/prod/app.yaml', 'README.md'],
      ['.imagestreams.yaml'],
    ]) {
      expect(starts(on, { name: 'push', branch: 'main', paths }), paths.join(' ')).toBe(true);
    }
  });

  it('does not start on pull requests, schedules, other branches or pushes touching other files', async () => {
    const on = await events();
    const declaration = ['imagestreams/python.yaml'];
    expect(starts(on, { name: 'pull_request', branch: 'main', paths: declaration })).toBe(false);
    expect(starts(on, { name: 'pull_request_target', branch: 'main', paths: declaration })).toBe(false);
    expect(starts(on, { name: 'schedule' })).toBe(false);
    expect(starts(on, { name: 'push', branch: 'feature/x', paths: declaration })).toBe(false);
    expect(starts(on, { name: 'push', branch: 'imagestreams/default/python', paths: declaration })).toBe(
      false,
    );
    for (const paths of [
      ['imagestreams.lock/default/python.json'],
      ['deploy/web.yaml', 'Dockerfile'],
      ['docs/imagestreams/notes.md'],
    ]) {
      expect(starts(on, { name: 'push', branch: 'main', paths }), paths.join(' ')).toBe(false);
    }
  });

  it('reconciles with the Action and queues behind the scheduled run instead of racing it', () => {
    const text = readFileSync(join(ROOT, FILE), 'utf8');
    const scheduled = readFileSync(join(ROOT, 'examples/workflows/imagestreams-reconcile.yml'), 'utf8');
    const group = (t: string) => /concurrency:\s*\n\s*group: (.+)/.exec(t)?.[1];
    expect(group(text)).toBe(group(scheduled));
    expect(text).toMatch(/cancel-in-progress: false/);
    expect(text).toMatch(/command: reconcile/);
  });
});
