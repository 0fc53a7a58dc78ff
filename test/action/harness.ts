// Runs the committed bundle exactly as a GitHub runner does: `node dist/index.js` with INPUT_* variables, the
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, an event file, and the workspace; returns what the runner would see.

import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** The bundle under test. */
export const BUNDLE = join(import.meta.dirname, '..', '..', 'dist', 'index.js');

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface ActionRunOptions {
  /** Inputs by their action.yml names (`dry-run`, `working-directory`…). */
  inputs: Record<string, string>;
  eventName: string;
  event: unknown;
  workspace: string;
  repository?: string;
  apiUrl?: string;
  serverUrl?: string;
  /** Extra environment (registry credentials named by the config…). */
  env?: Record<string, string>;
  /** The node binary (default: the one running the tests). */
  node?: string;
}

/** Parses the GITHUB_OUTPUT file (`name<<delimiter` blocks, as @actions/core writes them). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (m) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
      out[m[1]!] = value.join('\n');
    } else if (lines[i]!.includes('=')) {
      const [k, ...v] = lines[i]!.split('=');
      out[k!] = v.join('=');
    }
  }
  return out;
}

/** Runs the Action once; files live in a fresh temp directory (the runner's RUNNER_TEMP). */
export async function runActionBundle(o: ActionRunOptions): Promise<ActionRun> {
  const temp = await mkdtemp(join(tmpdir(), 'imagestreams-action-'));
  const outputFile = join(temp, 'output');
  const summaryFile = join(temp, 'summary');
  const eventFile = join(temp, 'event.json');
  await Promise.all([
    writeFile(outputFile, ''),
    writeFile(summaryFile, ''),
    writeFile(eventFile, JSON.stringify(o.event)),
  ]);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: temp,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: temp,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_EVENT_NAME: o.eventName,
    GITHUB_WORKSPACE: o.workspace,
    ...(o.repository ? { GITHUB_REPOSITORY: o.repository } : {}),
    ...(o.apiUrl ? { GITHUB_API_URL: o.apiUrl } : {}),
    ...(o.serverUrl ? { GITHUB_SERVER_URL: o.serverUrl } : {}),
    ...o.env,
  };
  // As the runner names them: INPUT_ + upper case, spaces to underscores; dashes stay (INPUT_DRY-RUN).
  for (const [k, v] of Object.entries(o.inputs)) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
  const r = await execa(o.node ?? process.execPath, [BUNDLE], {
    cwd: o.workspace,
    env,
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
  return {
    exitCode: r.exitCode ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
  };
}
