// `imagestreams dispatch` end to end: a real git repository with two commits changing lock files, the local
// GitHub API (every request and response validated against the official OpenAPI extract), and command targets
// that record their environment.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/entry/cli.js';
import { createDispatchCommand } from '../../src/entry/commands/dispatch.js';
import type { TagHistoryItem } from '../../src/model/lock.js';
import { serializeLock } from '../../src/model/lock-format.js';
import { digest as D, historyItem, streamLock } from '../helpers/builders.js';
import { captureIO } from '../helpers/capture-io.js';
import { type GitHubApi, startGitHubApi } from '../helpers/github-api.js';

const TOKEN = 'ghs_dispatchSecret_0123456789abcdef';
const DEPLOY_TOKEN = 'ghp_crossRepoSecret_fedcba9876543210';
const item = (c: string, created: string): TagHistoryItem => historyItem('quay.io/org/img', D(c), created);
const lock = (ns: string, name: string, tags: Record<string, TagHistoryItem[]>): string =>
  serializeLock(streamLock(ns, name, tags));

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
  it('sends one dispatch per image digest per target; failing targets are reported and the others still run', async () => {
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
          tags: ['default/python:3.12'],
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
        IMAGESTREAM_TAGS: 'default/python:3.12',
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
    // Commands never receive the tokens (GITHUB_TOKEN, a target's tokenEnv) in their environment.
    expect(r.out).toContain('token is undefined and undefined');
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

describe('imagestreams dispatch: where before/after come from', () => {
  it('takes before/after from the push event in GITHUB_EVENT_PATH (or --event); --dry-run sends nothing', async () => {
    const event = join(dir, '..', `${dir.split('/').pop()}-event.json`);
    await writeFile(event, JSON.stringify({ ref: 'refs/heads/main', before, after, repository: {} }));
    try {
      const r = await run(['--config', 'ok.yaml', '--dry-run'], { GITHUB_EVENT_PATH: event });
      expect(r.code).toBe(0);
      expect(r.out.match(/^would {3}/gm)).toHaveLength(5);
      expect(r.err).toMatch(/2 tags moved in .*; 5 dispatches would be sent\n$/);
      const viaFlag = await run(['--config', 'ok.yaml', '--dry-run', '--json', '--event', event]);
      expect(JSON.parse(viaFlag.out).results.every((x: { status: string }) => x.status === 'dry-run')).toBe(
        true,
      );
      expect(api.requests).toEqual([]);
      await writeFile(event, JSON.stringify({ before: after, after: '0'.repeat(40), deleted: true }));
      const deleted = await run(['--event', event]);
      expect([deleted.code, deleted.err]).toEqual([
        0,
        'dispatch: the push deleted the branch; nothing to dispatch\n',
      ]);
    } finally {
      await rm(event, { force: true });
    }
  });

  it('refuses pull_request events and pushes to other branches; command targets get no token in their env', async () => {
    await write(
      'env.mjs',
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(process.argv[2], JSON.stringify(Object.keys(process.env).sort()));\n`,
    );
    await write(
      'env.yaml',
      `registries:\n  quay.io:\n    credentials: {usernameEnv: QUAY_USER, passwordEnv: QUAY_PASS}\ndispatch:\n  - type: command\n    command: [node, env.mjs, env.json]\n    streams: ["*:3.13"]\n`,
    );
    const event = join(dir, '..', `${dir.split('/').pop()}-pr-event.json`);
    const secrets = {
      INPUT_TOKEN: 'input-token-0123456789',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-0123456789',
      QUAY_USER: 'quay-robot-user',
      QUAY_PASS: 'quay-password-0123456789',
      COPY_OF_TOKEN: TOKEN,
    };
    try {
      // A fork's pull request (synchronize events carry before/after too) must not run command targets.
      await writeFile(
        event,
        JSON.stringify({ action: 'synchronize', before, after, pull_request: { number: 7 }, repository: {} }),
      );
      await rm(join(dir, 'env.json'), { force: true });
      for (const env of [
        { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event },
        { GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_EVENT_PATH: event },
      ]) {
        const r = await run(['--config', 'env.yaml'], env);
        expect(r.code).toBe(2);
        expect(r.err).toMatch(
          /only for pushes to the default branch, not on "pull_request(_target)?" events/,
        );
      }
      const viaFlag = await run(['--config', 'env.yaml', '--event', event]);
      expect([viaFlag.code, viaFlag.err]).toEqual([2, expect.stringMatching(/is a pull request event/)]);
      await writeFile(
        event,
        JSON.stringify({ ref: 'refs/heads/feature', before, after, repository: { default_branch: 'main' } }),
      );
      const other = await run(['--config', 'env.yaml'], {
        GITHUB_EVENT_NAME: 'push',
        GITHUB_EVENT_PATH: event,
      });
      expect([other.code, other.err]).toEqual([2, expect.stringMatching(/not to the default branch main/)]);
      await expect(readFile(join(dir, 'env.json'), 'utf8')).rejects.toThrow();

      await writeFile(
        event,
        JSON.stringify({ ref: 'refs/heads/main', before, after, repository: { default_branch: 'main' } }),
      );
      const ok = await run(['--config', 'env.yaml'], {
        GITHUB_EVENT_NAME: 'push',
        GITHUB_EVENT_PATH: event,
        ...secrets,
      });
      expect(ok.code).toBe(0);
      const keys = JSON.parse(await readFile(join(dir, 'env.json'), 'utf8')) as string[];
      expect(keys).toContain('IMAGESTREAM_TAG');
      expect(keys).toContain('PATH');
      for (const k of ['GITHUB_TOKEN', 'DEPLOY_TOKEN', ...Object.keys(secrets)])
        expect(keys).not.toContain(k);
    } finally {
      await rm(event, { force: true });
    }
  });

  it('an all-zero --before (first push) has no previous state: every locked tag is dispatched', async () => {
    const r = await run([
      '--before',
      '0'.repeat(40),
      '--after',
      after,
      '--config',
      'ok.yaml',
      '--dry-run',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.before).toBeNull();
    expect(json.moved.map((m: { stream: string; tag: string }) => `${m.stream}:${m.tag}`)).toEqual([
      'python:3.11',
      'python:3.12',
      'python:3.13',
      'ruby:3',
    ]);
    expect(api.requests).toEqual([]);
  });

  it('a commit missing from a shallow checkout fails with the fetch-depth fix', async () => {
    const r = await run(['--before', 'deadbeef'.repeat(5), '--after', after]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`commit ${'deadbeef'.repeat(5)} is not in the repository`);
    expect(r.err).toContain('fetch-depth: 0');
  });

  it('honours GITHUB_API_URL (GitHub Enterprise Server, REST under /api/v3)', async () => {
    const ghes = await startGitHubApi({ owner: 'acme', repo: 'app', token: TOKEN, prefix: '/api/v3' });
    try {
      const r = await run(['--before', before, '--after', after, '--config', 'ok.yaml'], {
        GITHUB_API_URL: ghes.url,
        DEPLOY_TOKEN: TOKEN,
      });
      expect(r.code).toBe(0);
      expect(ghes.dispatches).toHaveLength(4);
      expect(ghes.violations).toEqual([]);
      expect(api.requests).toEqual([]);
    } finally {
      await ghes.close();
    }
  });

  it('an invalid lock file at --after is reported (exit 1); valid locks are still compared', async () => {
    await write('imagestreams.lock/default/broken.json', '{"apiVersion": "nope"}\n');
    await git('add', '.');
    await git('commit', '-q', '-m', 'broken lock');
    const third = (await git('rev-parse', 'HEAD')).stdout.trim();
    await git('rm', '-q', 'imagestreams.lock/default/broken.json');
    await git('commit', '-q', '-m', 'remove broken lock');
    const r = await run(['--before', after, '--after', third, '--config', 'ok.yaml']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('imagestreams.lock/default/broken.json:1:');
    expect(r.err).toMatch(/no tag moved in .*; nothing to dispatch\n$/);
    expect(api.dispatches).toEqual([]);
  });
});

describe('imagestreams dispatch: usage', () => {
  const cli = async (argv: string[], env: Record<string, string> = {}) => {
    const io = captureIO(dir, { env });
    const code = await main(['dispatch', ...argv], io);
    return { code, err: io.err() };
  };
  it.each([
    [[], 'give --before and --after, or --event PATH'],
    [['--before', 'abc'], '--before and --after must be given together'],
    [['--before', 'a', '--after', 'b', '--event', 'e.json'], 'cannot be combined'],
    [['--event', 'no-such-event.json'], 'cannot read the event file no-such-event.json'],
    [['--event', 'ok.yaml'], 'cannot read the event file ok.yaml'],
    [['--event', 'notify.mjs'], 'cannot read the event file'],
    [['extra'], 'unexpected argument "extra"'],
    [['--nope'], 'unknown option --nope'],
  ])('%j exits 2: %s', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });
  it('an event that is not a push exits 2', async () => {
    const event = join(dir, 'not-push.json');
    await writeFile(event, JSON.stringify({ action: 'opened', pull_request: {} }));
    const r = await cli([], { GITHUB_EVENT_PATH: event });
    expect(r.code).toBe(2);
    expect(r.err).toContain('is not a push event');
  });
  it('an invalid dispatch config exits 2 with the file and line', async () => {
    await write('bad.yaml', 'dispatch:\n  - type: workflow_dispatch\n    repository: a/b\n');
    const r = await cli(['--config', 'bad.yaml', '--before', before, '--after', after]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('bad.yaml:2:5: dispatch[0] is missing the required field "workflow"');
  });
});

describe('imagestreams dispatch: outside a repository', () => {
  it('says the directory is not a git repository (exit 1)', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'imagestreams-nogit-'));
    try {
      const io = captureIO(empty, { env: {} });
      const code = await main(['dispatch', '--before', 'abcdef1', '--after', 'abcdef2'], io);
      expect(code).toBe(1);
      expect(io.err()).toContain('is not inside a git repository');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
