// Which commits `dispatch` compares, and whether it may run at all: from --before/--after, or from the push event
// (GITHUB_EVENT_PATH). Shared by the CLI command and the Action's dispatch mode.

import * as nodeFs from 'node:fs';
import { resolve } from 'node:path';
import type { CommandIO } from './io.js';

type EventIO = Pick<CommandIO, 'cwd' | 'env'>;

export type Range = { before: string; after: string; ref?: string } | { error: string };

type EventJson = {
  before?: unknown;
  after?: unknown;
  ref?: unknown;
  pull_request?: unknown;
  repository?: unknown;
};

function readEvent(io: EventIO, path: string): EventJson | { error: string } {
  try {
    return JSON.parse(nodeFs.readFileSync(resolve(io.cwd, path), 'utf8')) as EventJson;
  } catch (e) {
    return { error: `cannot read the event file ${path}: ${(e as Error).message}` };
  }
}

/**
 * Dispatch targets act on what landed on the default branch, and command targets run code from the checkout:
 * inside Actions they run only for a push to the default branch, never for a pull request (whose author — a
 * fork, say — would choose what runs). Returns why not, or undefined.
 */
export function eventRefusal(io: EventIO, eventPath: string | undefined): string | undefined {
  const name = io.env.GITHUB_EVENT_NAME;
  const path = eventPath ?? (name ? io.env.GITHUB_EVENT_PATH : undefined);
  const event = path ? readEvent(io, path) : undefined;
  const json = event && !('error' in event) ? event : undefined;
  const fix = 'run `imagestreams dispatch` in a workflow `on: push` to the default branch';
  if (name && name !== 'push') {
    return `dispatch runs only for pushes to the default branch, not on "${name}" events (a pull request must not run dispatch targets): ${fix}`;
  }
  if (json?.pull_request !== undefined) {
    return `${path} is a pull request event: dispatch runs only for pushes to the default branch; ${fix}`;
  }
  const ref = typeof json?.ref === 'string' ? json.ref : name ? io.env.GITHUB_REF : undefined;
  const repo = json?.repository as { default_branch?: unknown } | undefined;
  const main = typeof repo?.default_branch === 'string' ? repo.default_branch : undefined;
  if (ref && main && ref !== `refs/heads/${main}`) {
    return `the push was to ${ref}, not to the default branch ${main}: dispatch runs only for the default branch; ${fix}`;
  }
  return undefined;
}

export function rangeFromArgs(values: Record<string, unknown>, io: EventIO): Range {
  const before = values.before as string | undefined;
  const after = values.after as string | undefined;
  const event = values.event as string | undefined;
  if (before !== undefined || after !== undefined) {
    if (event !== undefined) return { error: '--event cannot be combined with --before/--after' };
    if (!before || !after) return { error: '--before and --after must be given together' };
    return { before, after };
  }
  const path = event ?? io.env.GITHUB_EVENT_PATH;
  if (!path) return { error: 'give --before and --after, or --event PATH (or set GITHUB_EVENT_PATH)' };
  const json = readEvent(io, path);
  if ('error' in json) return json;
  if (typeof json?.before !== 'string' || typeof json?.after !== 'string') {
    return {
      error: `${path} is not a push event (no "before"/"after"); run on \`on: push\`, or pass --before and --after`,
    };
  }
  return {
    before: json.before,
    after: json.after,
    ...(typeof json.ref === 'string' ? { ref: json.ref } : {}),
  };
}
