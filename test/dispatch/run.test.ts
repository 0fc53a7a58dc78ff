import { describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../src/dispatch/command.js';
import { executeDispatches, tokenValues } from '../../src/dispatch/run.js';
import type { GitHubClient } from '../../src/github/client.js';
import { planDispatches } from '../../src/plan/dispatch-plan.js';
import type { MovedTag } from '../../src/plan/moved-tags.js';
import { silentLogger } from '../../src/util/logger.js';
import { digest, historyItem } from '../helpers/builders.js';

const TOKEN = 'ghs_runUnitSecret_123456';
const item = (c: string) => historyItem('r/x', digest(c));
const moved: MovedTag[] = [
  { namespace: 'default', stream: 'python', tag: '3.12', old: item('a'), new: item('b') },
];

function fakeGitHub(calls: string[]): (token: string) => GitHubClient {
  return (token) =>
    ({
      rest: {
        repos: {
          createDispatchEvent: async (p: { owner: string }) => {
            calls.push(`rd ${p.owner}`);
            // A transport error whose text carries the token must not leak it.
            if (p.owner === 'boom') throw new Error(`socket closed while sending token ${token}`);
          },
          get: async () => ({ data: { default_branch: 'dev' } }),
        },
        actions: {
          createWorkflowDispatch: async (p: { ref: string }) => {
            calls.push(`wd ${p.ref}`);
          },
        },
      },
    }) as unknown as GitHubClient;
}

describe('executeDispatches', () => {
  const runner: CommandRunner = async (argv) => ({
    notStarted: argv[0] === 'missing',
    timedOut: false,
    ...(argv[0] === 'missing' ? {} : { exitCode: 0 }),
    output: '',
  });
  const jobs = planDispatches(
    [
      { type: 'repository_dispatch', repository: 'boom/x' },
      { type: 'repository_dispatch', repository: 'ok/x' },
      { type: 'workflow_dispatch', repository: 'ok/x', workflow: 'w.yml' },
      { type: 'workflow_dispatch', repository: 'ok/x', workflow: 'w.yml' },
      { type: 'command', command: ['missing'] },
      { type: 'workflow_dispatch', repository: 'ok/x' },
    ],
    moved,
    { sha: 'f'.repeat(40) },
  );
  const deps = (calls: string[]) => ({
    github: fakeGitHub(calls),
    runCommand: runner,
    env: { GITHUB_TOKEN: TOKEN },
    cwd: '/',
    logger: silentLogger,
  });

  it('runs every job, reports failures with the token masked, looks the default branch up once', async () => {
    const calls: string[] = [];
    const results = await executeDispatches(jobs, deps(calls));
    expect(results.map((r) => r.status)).toEqual(['failed', 'sent', 'sent', 'sent', 'failed', 'failed']);
    expect(calls).toEqual(['rd boom', 'rd ok', 'wd dev', 'wd dev']);
    expect(results[0]!.error).toMatchObject({ code: 'GITHUB_API_FAILED', permanent: false });
    expect(results[4]!.error!.message).toContain('could not be started');
    expect(results[5]!.error!.code).toBe('DISPATCH_CONFIG');
    expect(JSON.stringify(results)).not.toContain(TOKEN);
  });

  it('--dry-run sends nothing but still reports misconfigured targets', async () => {
    const calls: string[] = [];
    const results = await executeDispatches(jobs, deps(calls), { dryRun: true });
    expect(calls).toEqual([]);
    expect(results.map((r) => r.status)).toEqual([
      'dry-run',
      'dry-run',
      'dry-run',
      'dry-run',
      'dry-run',
      'failed',
    ]);
  });

  it('masks named token variables, GITHUB_TOKEN and secret-looking variables, longest first', () => {
    expect(
      tokenValues(['DEPLOY'], {
        DEPLOY: 'deploy-value',
        GITHUB_TOKEN: 'gh-token-value',
        NPM_API_KEY: 'npm-key-value-long',
        SHORT_TOKEN: 'abc',
        HOME: '/home/someone-long',
      }),
    ).toEqual(['npm-key-value-long', 'gh-token-value', 'deploy-value']);
  });
});
