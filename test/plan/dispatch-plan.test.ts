import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DispatchTarget } from '../../src/config/config.js';
import type { TagHistoryItem } from '../../src/model/lock.js';
import {
  commandEnv,
  DEFAULT_WORKFLOW_INPUTS,
  placeholder,
  repositoryDispatchBody,
  WORKFLOW_DISPATCH_MAX_INPUTS,
} from '../../src/plan/dispatch-payload.js';
import {
  CLIENT_PAYLOAD_MAX_PROPERTIES,
  EVENT_TYPE_MAX_LENGTH,
  planDispatches,
  targetWants,
} from '../../src/plan/dispatch-plan.js';
import { type MovedTag, movedTags } from '../../src/plan/moved-tags.js';
import { digest as D, historyItem, streamLock as lock } from '../helpers/builders.js';

const item = (c: string, created = '2026-01-01T00:00:00Z'): TagHistoryItem =>
  historyItem('quay.io/x/y', D(c), created);

const here = dirname(fileURLToPath(import.meta.url));
const openapi = JSON.parse(
  readFileSync(join(here, '..', 'fixtures', 'github-openapi', 'operations.json'), 'utf8'),
) as {
  operations: Record<
    string,
    { requestBody: { schema: { properties: Record<string, Record<string, number>> } } }
  >;
};

describe('movedTags', () => {
  const before = [
    lock('default', 'python', { '3.12': [item('a')], '3.11': [item('b')], gone: [item('c')] }),
    lock('default', 'ruby', { '3': [item('d')] }),
  ];
  it('reports only tags whose current image changed, plus new tags and new streams, sorted', () => {
    const after = [
      lock('default', 'ruby', { '3': [item('d')] }),
      lock('default', 'python', {
        '3.12': [item('e', '2026-02-01T00:00:00Z'), item('a')],
        '3.11': [item('b')],
        '3.13': [item('f')],
      }),
      lock('team', 'go', { '1.22': [item('1')] }),
    ];
    const moved = movedTags(before, after);
    expect(
      moved.map((m) => `${m.namespace}/${m.stream}:${m.tag} ${m.old?.image.slice(7, 8) ?? '-'}`),
    ).toEqual(['default/python:3.12 a', 'default/python:3.13 -', 'team/go:1.22 -']);
    expect(moved[0]!.new.image).toBe(D('e'));
  });
  it('treats no previous state as everything new, and ignores tags without items', () => {
    const moved = movedTags(undefined, [lock('default', 'python', { '3.12': [item('a')], failed: [] })]);
    expect(moved).toHaveLength(1);
    expect(moved[0]!.old).toBeUndefined();
  });
  it('the same state moves nothing', () => {
    expect(movedTags(before, before)).toEqual([]);
  });
});

const moved: MovedTag = {
  namespace: 'default',
  stream: 'python',
  tag: '3.12',
  old: item('a'),
  new: item('b'),
};
const fresh: MovedTag = { namespace: 'team', stream: 'go', tag: '1.22', new: item('c') };
const src = { repository: 'acme/app', sha: 'f'.repeat(40) };

describe('targetWants', () => {
  it.each([
    [undefined, true, true],
    [['python'], true, false],
    [['default/*'], true, false],
    [['*/go'], false, true],
    [['python:3.*'], true, false],
    [['python:3.11'], false, false],
    [['team/go:1.22', 'ruby'], false, true],
    [['py*'], true, false],
  ])('%j selects python:3.12=%s go:1.22=%s', (streams, a, b) => {
    const t = streams ? { streams } : {};
    expect(targetWants(t, moved)).toBe(a);
    expect(targetWants(t, fresh)).toBe(b);
  });
});

describe('payloads', () => {
  it('repository_dispatch carries stream, tag, old and new digest within GitHub limits', () => {
    const body = repositoryDispatchBody('imagestream-moved', moved, src);
    expect(body.client_payload).toEqual({
      namespace: 'default',
      stream: 'python',
      tag: '3.12',
      old: D('a'),
      new: D('b'),
      dockerImageReference: `quay.io/x/y@${D('b')}`,
      oldDockerImageReference: `quay.io/x/y@${D('a')}`,
      repository: 'acme/app',
      sha: 'f'.repeat(40),
      tags: ['default/python:3.12'],
    });
    expect(Object.keys(body.client_payload).length).toBeLessThanOrEqual(CLIENT_PAYLOAD_MAX_PROPERTIES);
    expect(repositoryDispatchBody('x', fresh, { sha: 'a' }).client_payload.old).toBeNull();
  });
  it('the limits are the ones in the official OpenAPI description', () => {
    const rd = openapi.operations['repos/create-dispatch-event']!.requestBody.schema.properties;
    const wd = openapi.operations['actions/create-workflow-dispatch']!.requestBody.schema.properties;
    expect(rd.client_payload!.maxProperties).toBe(CLIENT_PAYLOAD_MAX_PROPERTIES);
    expect(rd.event_type!.maxLength).toBe(EVENT_TYPE_MAX_LENGTH);
    expect(wd.inputs!.maxProperties).toBe(WORKFLOW_DISPATCH_MAX_INPUTS);
  });
  it('commands get IMAGESTREAM_* variables (empty old digest for a new tag)', () => {
    expect(commandEnv(fresh, src)).toMatchObject({
      IMAGESTREAM_NAMESPACE: 'team',
      IMAGESTREAM_NAME: 'go',
      IMAGESTREAM_TAG: '1.22',
      IMAGESTREAM_OLD_DIGEST: '',
      IMAGESTREAM_NEW_DIGEST: D('c'),
      IMAGESTREAM_IMAGE: `quay.io/x/y@${D('c')}`,
    });
  });
});

describe('one dispatch per target and image digest', () => {
  it('3.12, latest and edge reaching one digest are one event listing all three; another digest is another', () => {
    const at = (tag: string, digest: string): MovedTag => ({
      namespace: 'default',
      stream: 'python',
      tag,
      old: { ...moved.old!, image: D('a') },
      new: { ...moved.new, image: digest, dockerImageReference: `quay.io/x/y@${digest}` },
    });
    const tags = [at('3.12', D('b')), at('edge', D('b')), at('latest', D('b')), at('3.11', D('c'))];
    const targets: DispatchTarget[] = [
      { type: 'repository_dispatch', repository: 'acme/deploy' },
      { type: 'command', command: ['deploy.sh'] },
      {
        type: 'workflow_dispatch',
        repository: 'acme/deploy',
        workflow: 'd.yml',
        inputs: { which: '${tags}' },
      },
    ];
    const jobs = planDispatches(targets, tags, src);
    expect(jobs.map((j) => [j.target, j.tags.map((t) => t.tag)])).toEqual([
      [0, ['3.12', 'edge', 'latest']],
      [0, ['3.11']],
      [1, ['3.12', 'edge', 'latest']],
      [1, ['3.11']],
      [2, ['3.12', 'edge', 'latest']],
      [2, ['3.11']],
    ]);
    const rd = jobs[0]!;
    expect(rd.type === 'repository_dispatch' && rd.body.client_payload.tags).toEqual([
      'default/python:3.12',
      'default/python:edge',
      'default/python:latest',
    ]);
    const cmd = jobs[2]!;
    expect(cmd.type === 'command' && cmd.env.IMAGESTREAM_TAGS).toBe(
      'default/python:3.12,default/python:edge,default/python:latest',
    );
    const wd = jobs[4]!;
    expect(wd.type === 'workflow_dispatch' && wd.inputs).toEqual({
      which: 'default/python:3.12,default/python:edge,default/python:latest',
    });
  });
});

describe('planDispatches', () => {
  const targets: DispatchTarget[] = [
    { type: 'repository_dispatch', repository: 'acme/deploy' },
    { type: 'workflow_dispatch', workflow: 'build.yml', streams: ['python'] },
    {
      type: 'workflow_dispatch',
      repository: 'acme/ci',
      workflow: 'b.yml',
      ref: 'release',
      inputs: {
        image: placeholder('image'),
        what: `${placeholder('stream')}:${placeholder('tag')}`,
        fixed: 'yes',
      },
    },
    { type: 'command', command: ['./notify.sh'], streams: ['go'] },
  ];
  it('one job per target per selected moved tag, in config order', () => {
    const jobs = planDispatches(targets, [moved, fresh], src);
    expect(jobs.map((j) => `${j.target} ${j.moved.stream} ${j.error?.code ?? 'ok'}`)).toEqual([
      '0 python ok',
      '0 go ok',
      '1 python ok',
      '2 python ok',
      '2 go ok',
      '3 go ok',
    ]);
    const wd = jobs[2]!;
    expect(wd.type === 'workflow_dispatch' && wd.inputs).toEqual({
      namespace: 'default',
      stream: 'python',
      tag: '3.12',
      old: D('a'),
      new: D('b'),
      image: `quay.io/x/y@${D('b')}`,
    });
    expect(wd.type === 'workflow_dispatch' && [wd.owner, wd.repo, wd.ref]).toEqual([
      'acme',
      'app',
      undefined,
    ]);
    const custom = jobs[3]!;
    expect(custom.type === 'workflow_dispatch' && custom.inputs).toEqual({
      image: `quay.io/x/y@${D('b')}`,
      what: 'python:3.12',
      fixed: 'yes',
    });
    expect(Object.keys(DEFAULT_WORKFLOW_INPUTS)).toHaveLength(6);
  });
  it('refuses, per target, what GitHub would reject or cannot be sent', () => {
    const tooMany = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`i${i}`, 'x']));
    const bad: DispatchTarget[] = [
      { type: 'workflow_dispatch', repository: 'a/b', workflow: 'w.yml', inputs: tooMany },
      { type: 'workflow_dispatch', repository: 'a/b', workflow: 'w.yml', inputs: { x: placeholder('nope') } },
      { type: 'repository_dispatch' },
      { type: 'repository_dispatch', repository: 'a/b', eventType: 'e'.repeat(101) },
      { type: 'command', command: [] },
      { type: 'workflow_dispatch', repository: 'a/b' },
    ];
    const jobs = planDispatches(bad, [moved], { sha: 'a' });
    expect(jobs.map((j) => j.error?.code)).toEqual(Array(6).fill('DISPATCH_CONFIG'));
    expect(jobs[0]!.error!.message).toContain('at most 25');
    expect(jobs[1]!.error!.message).toContain(`unknown placeholder ${placeholder('nope')}`);
    expect(jobs[2]!.error!.message).toContain('GITHUB_REPOSITORY');
    const ok = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`i${i}`, 'x']));
    expect(
      planDispatches(
        [{ type: 'workflow_dispatch', repository: 'a/b', workflow: 'w', inputs: ok }],
        [moved],
        src,
      )[0]!.error,
    ).toBeUndefined();
  });
});

describe('purity', () => {
  it.each(['moved-tags.ts', 'dispatch-plan.ts'])('src/plan/%s imports no I/O and no outer layer', (file) => {
    const text = readFileSync(join(here, '..', '..', 'src', 'plan', file), 'utf8');
    expect(text).not.toMatch(/from '(?:node:|fs|child_process|isomorphic-git|octokit|execa)/);
    expect(text).not.toMatch(/from '\.\.\/(?:loader|git|github|registry|entry|dispatch)\//);
    expect(text).not.toMatch(/\bprocess\.(?:env|cwd|stdout)/);
  });
});
