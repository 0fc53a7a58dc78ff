import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGitHub } from '../../src/github/client.js';
import { repositoryDispatch, workflowDispatch } from '../../src/github/dispatch.js';
import { hasCode } from '../../src/model/errors.js';
import { type GitHubApi, startGitHubApi } from '../helpers/github-api.js';

let api: GitHubApi;
const payload = {
  namespace: 'default',
  stream: 'python',
  tag: '3.12',
  from: `sha256:${'a'.repeat(64)}`,
  to: `sha256:${'b'.repeat(64)}`,
  reference: `docker.io/library/python@sha256:${'b'.repeat(64)}`,
};

beforeAll(async () => {
  api = await startGitHubApi({ owner: 'acme', repo: 'builds', token: 't0ken-value' });
});
afterAll(async () => {
  await api?.close();
});

it('sends repository_dispatch and workflow_dispatch with schema-valid bodies', async () => {
  const octokit = createGitHub({ token: 't0ken-value', baseUrl: api.url, retries: 0, throttle: false });
  await repositoryDispatch(octokit, { owner: 'acme', repo: 'builds' }, payload);
  await workflowDispatch(
    octokit,
    { owner: 'acme', repo: 'builds', workflow: 'build.yml', ref: 'main' },
    payload,
  );
  expect(api.dispatches.map((d) => d.operationId)).toEqual([
    'repos/create-dispatch-event',
    'actions/create-workflow-dispatch',
  ]);
  expect(api.dispatches[0]!.body).toMatchObject({
    event_type: 'imagestreams',
    client_payload: { stream: 'python' },
  });
  expect(api.violations).toEqual([]);
});

it('a 403 on workflow_dispatch names actions: write', async () => {
  const octokit = createGitHub({ token: 't0ken-value', baseUrl: api.url, retries: 0, throttle: false });
  api.fail('actions/create-workflow-dispatch', {
    status: 403,
    body: {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest',
    },
  });
  const err = await workflowDispatch(
    octokit,
    { owner: 'acme', repo: 'builds', workflow: 'build.yml', ref: 'main' },
    payload,
  ).catch((e) => e);
  expect(hasCode(err, 'GITHUB_FORBIDDEN')).toBe(true);
  expect(err.message).toContain('actions: write');
  expect(api.violations).toEqual([]);
});
