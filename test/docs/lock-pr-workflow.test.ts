// examples/workflows/imagestreams-lock-pr.yml, read by GitHub's own workflow parser: it runs on pull requests
// (opened, synchronize, reopened) and on nothing else, may push to the pull request's branch (contents: write),
// checks out the pull request's head with its history (not the merge commit), runs the Action with lock-pr, and says
// what a GITHUB_TOKEN push means for required checks.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');
const FILE = 'examples/workflows/imagestreams-lock-pr.yml';
const text = readFileSync(join(ROOT, FILE), 'utf8');

async function template() {
  const parsed = parseWorkflow({ name: FILE, content: text }, new NoOperationTraceWriter());
  expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
  const t = await convertWorkflowTemplate(parsed.context, parsed.value!);
  expect(t.errors ?? []).toEqual([]);
  return t;
}

type Step = { uses?: string; with?: Record<string, unknown> };

describe(FILE, () => {
  it('runs on pull requests only: opened, synchronize (a new push) and reopened', async () => {
    const { events } = await template();
    expect(Object.keys(events)).toEqual(['pull_request']);
    expect((events as { pull_request: { types?: string[] } }).pull_request.types).toEqual([
      'opened',
      'synchronize',
      'reopened',
    ]);
  });

  it('may push to the pull request branch and comment, and nothing more', () => {
    const wf = parse(text);
    expect(wf.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    expect(wf.concurrency.group).toContain('github.event.pull_request.number');
  });

  it('checks out the head with its history and runs the Action with lock-pr', async () => {
    const wf = parse(text);
    const steps = Object.values(wf.jobs as Record<string, { steps: Step[] }>)[0]!.steps;
    const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with).toMatchObject({
      ref: ['$', '{{ github.event.pull_request.head.sha }}'].join(''),
      'fetch-depth': 0,
      'persist-credentials': false,
    });
    const ours = steps.find((s) => s.uses?.startsWith('OWNER/imagestreams@'))!;
    expect(ours.with).toMatchObject({ command: 'plan', 'lock-pr': true });
    // The caveat a user needs before making the check required.
    expect(text).toMatch(/GITHUB_TOKEN start no workflow run/);
    expect(text).toMatch(/required status checks wait/);
    expect(text).toMatch(/GitHub App token/);
  });
});
