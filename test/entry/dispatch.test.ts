// `imagestreams dispatch` end to end: a real git repository with two commits changing lock files, the local
// GitHub API (every request and response validated against the official OpenAPI extract), and command targets
// that record their environment.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDispatchCommand } from '../../src/entry/commands/dispatch.js';
import type { StreamLock, TagHistoryItem } from '../../src/model/lock.js';
import { serializeLock } from '../../src/model/lock-format.js';
import { type GitHubApi, startGitHubApi } from '../helpers/github-api.js';
import { captureIO } from './capture-io.js';

const TOKEN = 'ghs_dispatchSecret_0123456789abcdef';
const DEPLOY_TOKEN = 'ghp_crossRepoSecret_fedcba9876543210';
const D = (c: string) => `sha256:${c.repeat(64)}`;
const item = (c: string, created: string): TagHistoryItem => ({
  created,
  dockerImageReference: `quay.io/org/img@${D(c)}`,
  image: D(c),
  generation: 1,
});
const lock = (ns: string, name: string, tags: Record<string, TagHistoryItem[]>): string =>
  serializeLock({
    apiVersion: 'imagestreams.dev/v1alpha1',
    kind: 'ImageStreamLock',
    metadata: { name, namespace: ns },
    status: { tags: Object.entries(tags).map(([tag, items]) => ({ tag, items })) },
  } as StreamLock);

const T1 = '2026-01-01T00:00:00Z';
const T2 = '2026-02-01T00:00:00Z';

let dir: string;
let api: GitHubApi;
let before: string;
let after: string;

const NOTIFY = `import { appendFileSync } from 'node:fs';
const keys = Object.keys(process.env).filter((k) => k.startsWith('IMAGESTREAM_')).sort();
appendFileSync(process.argv[2], JSON.stringify(Object.fromEntries(keys.map((k) => [k, process.env[k]]))) + '\\n');
`;
// A badly behaved command: prints the token it inherited, then fails.
const FAIL = `console.error('token is ' + process.env.GITHUB_TOKEN + ' and ' + process.env.DEPLOY_TOKEN); process.exit(3);\n`;

const MAIN_CONFIG = `dispatch:
  - type: repository_dispatch
  - type: workflow_dispatch
    workflow: build.yml
    streams: [python]
  - type: repository_dispatch
    repository: acme/missing
  - type: command
    command: [node, notify.mjs, notified.jsonl]
  - type: command
    command: [node, fail.mjs]
    streams: ["python:3.12"]
  - type: repository_dispatch
    repository: acme/app
    tokenEnv: UNSET_TOKEN
    streams: ["default/python:3.13"]
`;

const inputs25 = Array.from({ length: 25 }, (_, i) => `      in${i}: "\${tag}-${i}"`).join('\n');
const OK_CONFIG = `dispatch:
  - type: repository_dispatch
    eventType: image-bumped
    tokenEnv: DEPLOY_TOKEN
  - type: workflow_dispatch
    workflow: "1234"
    ref: release
    tokenEnv: DEPLOY_TOKEN
    inputs:
${inputs25}
  - type: command
    command: [node, notify.mjs, ok.jsonl]
    streams: ["*:3.13"]
`;

function git(...args: string[]) {
  return execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir });
}

async function write(path: string, text: string) {
  await mkdir(join(dir, path, '..'), { recursive: true });
  await writeFile(join(dir, path), text);
}

const command = createDispatchCommand({ githubOptions: { retries: 0, throttle: false } });

async function run(argv: string[], env: Record<string, string> = {}) {
  const io = captureIO(dir, {
    env: {
      PATH: process.env.PATH ?? '',
      GITHUB_TOKEN: TOKEN,
      DEPLOY_TOKEN,
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_API_URL: api.url,
      ...env,
    },
  });
  const parsed = parseArgs({ args: argv, options: command.options, allowPositionals: true, strict: true });
  const code = await command.run(parsed, io);
  return { code, out: io.out(), err: io.err() };
}

function expectNoSecret(text: string) {
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(DEPLOY_TOKEN);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imagestreams-dispatch-'));
  api = await startGitHubApi({ owner: 'acme', repo: 'app', token: TOKEN, defaultBranch: 'trunk' });
  await git('init', '-q', '-b', 'main');
  await write('.imagestreams.yaml', MAIN_CONFIG);
  await write('ok.yaml', OK_CONFIG);
  await write('notify.mjs', NOTIFY);
  await write('fail.mjs', FAIL);
  await write(
    'imagestreams.lock/default/python.json',
    lock('default', 'python', { '3.11': [item('1', T1)], '3.12': [item('a', T1)] }),
  );
  await write('imagestreams.lock/default/ruby.json', lock('default', 'ruby', { '3': [item('e', T1)] }));
  await write('elsewhere/python.json', lock('default', 'python', { '3.12': [item('0', T1)] }));
  await git('add', '.');
  await git('commit', '-q', '-m', 'first');
  before = (await git('rev-parse', 'HEAD')).stdout.trim();
  // python:3.12 moves, python:3.13 is new; python:3.11 and ruby:3 stay; a JSON file outside lockDir changes.
  await write(
    'imagestreams.lock/default/python.json',
    lock('default', 'python', {
      '3.11': [item('1', T1)],
      '3.12': [item('b', T2), item('a', T1)],
      '3.13': [item('c', T2)],
    }),
  );
  await write('elsewhere/python.json', lock('default', 'python', { '3.12': [item('9', T2)] }));
  await git('add', '.');
  await git('commit', '-q', '-m', 'bump');
  after = (await git('rev-parse', 'HEAD')).stdout.trim();
});

afterAll(async () => {
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  const violations = api.violations.splice(0);
  api.requests.length = 0;
  api.dispatches.length = 0;
  expect(violations).toEqual([]);
});

describe('imagestreams dispatch', () => {
  it('sends one dispatch per moved tag per target; failing targets are reported and the others still run', async () => {
    const r = await run(['--before', before, '--after', after]);
    expect(r.code).toBe(1);

    // Only python:3.12 (a → b) and the new python:3.13 moved.
    expect(r.out).toMatch(/^moved {3}default\/python:3\.12 sha256:aaaaaaaaaaaa → sha256:bbbbbbbbbbbb$/m);
    expect(r.out).toMatch(/^moved {3}default\/python:3\.13 \(new\) → sha256:cccccccccccc$/m);
    expect(r.out).not.toMatch(/3\.11|ruby/);

    const rd = api.dispatches.filter((d) => d.operationId === 'repos/create-dispatch-event');
    expect(rd.map((d) => d.body)).toEqual([
      {
        event_type: 'imagestream-moved',
        client_payload: {
          namespace: 'default',
          stream: 'python',
          tag: '3.12',
          old: D('a'),
          new: D('b'),
          dockerImageReference: `quay.io/org/img@${D('b')}`,
          oldDockerImageReference: `quay.io/org/img@${D('a')}`,
          repository: 'acme/app',
          sha: after,
        },
      },
      expect.objectContaining({
        client_payload: expect.objectContaining({ tag: '3.13', old: null, new: D('c') }),
      }),
    ]);
    const wd = api.dispatches.filter((d) => d.operationId === 'actions/create-workflow-dispatch');
    expect(wd.map((d) => d.body)).toEqual([
      {
        ref: 'trunk',
        inputs: {
          namespace: 'default',
          stream: 'python',
          tag: '3.12',
          old: D('a'),
          new: D('b'),
          image: `quay.io/org/img@${D('b')}`,
        },
      },
      { ref: 'trunk', inputs: expect.objectContaining({ tag: '3.13', old: '' }) },
    ]);
    // The default branch is looked up once per repository.
    expect(api.requests.filter((q) => q.operationId === 'repos/get')).toHaveLength(1);
    expect(
      api.requests.filter((q) => q.operationId === 'actions/create-workflow-dispatch').map((q) => q.path),
    ).toEqual(Array(2).fill('/repos/acme/app/actions/workflows/build.yml/dispatches'));

    const notified = (await readFile(join(dir, 'notified.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(notified).toEqual([
      {
        IMAGESTREAM_COMMIT: after,
        IMAGESTREAM_IMAGE: `quay.io/org/img@${D('b')}`,
        IMAGESTREAM_NAME: 'python',
        IMAGESTREAM_NAMESPACE: 'default',
        IMAGESTREAM_NEW_DIGEST: D('b'),
        IMAGESTREAM_OLD_DIGEST: D('a'),
        IMAGESTREAM_OLD_IMAGE: `quay.io/org/img@${D('a')}`,
        IMAGESTREAM_REPOSITORY: 'acme/app',
        IMAGESTREAM_TAG: '3.12',
      },
      expect.objectContaining({ IMAGESTREAM_TAG: '3.13', IMAGESTREAM_OLD_DIGEST: '' }),
    ]);

    // Failures, one line each, with the reason: unknown repository (404), a command exiting 3, a missing token.
    expect(r.out.match(/^FAILED /gm)).toHaveLength(4);
    expect(r.out).toMatch(
      /FAILED {2}repository_dispatch acme\/missing \(imagestream-moved\) ← default\/python:3\.12/,
    );
    expect(r.out).toContain('not found (404)');
    expect(r.out).toMatch(
      /FAILED {2}command node fail\.mjs ← default\/python:3\.12 .*\n.*exited with code 3/,
    );
    expect(r.out).toContain('token is *** and ***');
    expect(r.out).toContain('UNSET_TOKEN is not set');
    expect(r.err).toBe(
      'dispatch: 2 tags moved in ' + `${before.slice(0, 7)}..${after.slice(0, 7)}; 6 sent, 4 failed\n`,
    );
    expectNoSecret(r.out + r.err);
  });

  it('exits 0 when every target succeeds; --json reports each result; 25 workflow inputs are accepted', async () => {
    await rm(join(dir, 'ok.jsonl'), { force: true });
    // GITHUB_TOKEN is wrong here: both GitHub targets must use the token named by tokenEnv.
    const r = await run(['--before', before, '--after', after, '--config', 'ok.yaml', '--json'], {
      DEPLOY_TOKEN: TOKEN,
      GITHUB_TOKEN: DEPLOY_TOKEN,
    });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.ok).toBe(true);
    expect(json.moved.map((m: { tag: string }) => m.tag)).toEqual(['3.12', '3.13']);
    expect(json.results.map((x: { type: string; status: string }) => `${x.type} ${x.status}`)).toEqual([
      'repository_dispatch sent',
      'repository_dispatch sent',
      'workflow_dispatch sent',
      'workflow_dispatch sent',
      'command sent',
    ]);
    expect(new Set(api.requests.map((q) => q.authorization))).toEqual(new Set([`token ${TOKEN}`]));
    expect(json.results[0].sent).toMatchObject({ event_type: 'image-bumped' });
    const wd = api.dispatches.find((d) => d.operationId === 'actions/create-workflow-dispatch')?.body as {
      ref: string;
      inputs: Record<string, string>;
    };
    expect(wd.ref).toBe('release');
    expect(Object.keys(wd.inputs)).toHaveLength(25);
    expect(wd.inputs.in7).toBe('3.12-7');
    expect(api.requests.some((q) => q.operationId === 'repos/get')).toBe(false);
    expect((await readFile(join(dir, 'ok.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
    expectNoSecret(r.out + r.err);
  });
});
