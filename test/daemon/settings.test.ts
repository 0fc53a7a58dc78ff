import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { indexStreams, matchPushes, streamsFor } from '../../src/daemon/match.js';
import {
  parseDistribution,
  parseDockerHub,
  parseGitHubPackage,
  verifyGitHubSignature,
} from '../../src/daemon/webhooks.js';
import { daemonSettings, parseListen, repositoryFromUrl } from '../../src/entry/commands/daemon.js';
import { loadProject } from '../../src/loader/load.js';
import { formatDuration, parseDuration } from '../../src/util/duration.js';
import { captureIO } from '../helpers/capture-io.js';

it.each([
  ['15m', 900_000],
  ['1h30m', 5_400_000],
  ['90s', 90_000],
  ['250ms', 250],
  ['1.5h', 5_400_000],
  ['15', undefined],
  ['m', undefined],
  ['-1m', undefined],
])('parseDuration(%j) = %j', (text, ms) => {
  expect(parseDuration(text)).toBe(ms);
});

it('formats durations for logs', () => {
  expect([900_000, 5_400_000, 45_000, 250].map(formatDuration)).toEqual(['15m', '1h30m', '45s', '250ms']);
});

it.each([
  ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
  ['0.0.0.0:9000', { host: '0.0.0.0', port: 9000 }],
  [':8080', { host: '127.0.0.1', port: 8080 }],
  ['8080', { host: '127.0.0.1', port: 8080 }],
  ['[::1]:8080', { host: '::1', port: 8080 }],
  ['host:99999', undefined],
  ['a b:1', undefined],
])('parseListen(%j)', (text, want) => {
  expect(parseListen(text)).toEqual(want);
});

it('derives owner/repo from a GitHub URL only when it has two path components', () => {
  expect(repositoryFromUrl('https://github.com/acme/platform.git')).toBe('acme/platform');
  expect(repositoryFromUrl('http://127.0.0.1:1/one.git')).toBeUndefined();
});

const args = (values: Record<string, unknown>) => ({ values: values as never, positionals: [] });

it('command line: defaults, env-provided secrets, and contradictions refused with a message', () => {
  const io = captureIO('/srv/repo', {
    env: { GITHUB_TOKEN: 'tok-123456', IMAGESTREAMS_WEBHOOK_SECRET: 's3cr3t' },
  });
  const s = daemonSettings(args({ repo: 'https://github.com/acme/platform.git' }), io);
  expect(s).toMatchObject({
    host: '127.0.0.1',
    port: 8080,
    token: 'tok-123456',
    secret: 's3cr3t',
    repository: 'acme/platform',
    source: { kind: 'clone', url: 'https://github.com/acme/platform.git' },
  });
  expect(daemonSettings(args({}), io)).toMatchObject({ source: { kind: 'path', dir: '/srv/repo' } });
  const usage = (v: Record<string, unknown>) => (daemonSettings(args(v), io) as { usage?: string }).usage;
  expect(usage({ repo: 'https://x/a/b', path: '.' })).toMatch(/exclude each other/);
  expect(usage({ interval: 'soon' })).toMatch(/--interval must be a duration/);
  expect(usage({ 'max-imports-per-minute': '0' })).toMatch(/at least 1/);
  expect(usage({ listen: 'nope' })).toMatch(/--listen/);
  expect(usage({ 'token-env': 'MISSING' })).toMatch(/MISSING: that environment variable is not set/);
  expect(usage({ branch: 'main' })).toMatch(/only apply with --repo/);
  expect(usage({ publish: 'sometimes' })).toMatch(/--publish/);
  expect(usage({ repo: 'http://git.example.com/acme/platform.git' })).toMatch(/--repo: .*plain HTTP/);
  const withToken = daemonSettings(args({ repo: 'https://x-access-token:url-tok-999@github.com/a/b.git' }), {
    ...io,
    env: {},
  });
  expect(withToken).toMatchObject({ token: 'url-tok-999', source: { url: 'https://github.com/a/b.git' } });
  expect(JSON.stringify((withToken as { source: unknown }).source)).not.toContain('url-tok-999');
  expect(daemonSettings(args({ interval: '5m', 'max-imports-per-minute': '10' }), io)).toMatchObject({
    intervalMs: 300_000,
    maxImportsPerMinute: 10,
  });
});

it('payload parsers: Docker Hub official images, GHCR by package URL, Distribution aliases', () => {
  expect(
    parseDockerHub({ push_data: { tag: 'latest' }, repository: { repo_name: 'library/nginx' } }),
  ).toEqual([{ hosts: ['docker.io'], path: 'library/nginx', tag: 'latest' }]);
  expect(
    parseGitHubPackage('package', {
      package: {
        package_type: 'container',
        package_version: { package_url: 'ghcr.io/acme/Tool:v1', container_metadata: { tag: { name: '' } } },
      },
    }),
  ).toEqual([]); // an upper-case path is not a valid reference: nothing to match
  expect(
    parseGitHubPackage('package', { package: { package_type: 'npm', name: 'x', namespace: 'acme' } }),
  ).toEqual([]);
  expect(
    parseDistribution(
      {
        events: [
          { action: 'push', target: { repository: 'a/b', tag: 't' }, request: { host: 'Reg.Example:5000' } },
        ],
      },
      ['registry.example'],
    ),
  ).toEqual([{ hosts: ['reg.example:5000', 'registry.example'], path: 'a/b', tag: 't' }]);
  expect(verifyGitHubSignature('k', Buffer.from('x'), undefined)).toBe(false);
});

it('a push forces the tags importing it and selects the streams of their followers, transitively', () => {
  const streams = [
    {
      namespace: 'default',
      name: 'base',
      object: {
        metadata: { name: 'base' },
        spec: {
          tags: [
            { name: 'a', from: { kind: 'DockerImage', name: 'quay.io/acme/base:1' } },
            {
              name: 'pinned',
              from: { kind: 'DockerImage', name: `quay.io/acme/base@sha256:${'a'.repeat(64)}` },
            },
            { name: 'ref', from: { kind: 'DockerImage', name: 'quay.io/acme/base:1' }, reference: true },
          ],
        },
      },
    },
    {
      namespace: 'default',
      name: 'app',
      object: {
        metadata: { name: 'app' },
        spec: { tags: [{ name: 'stable', from: { kind: 'ImageStreamTag', name: 'base:a' } }] },
      },
    },
    {
      namespace: 'other',
      name: 'prod',
      object: {
        metadata: { name: 'prod' },
        spec: {
          tags: [{ name: 'x', from: { kind: 'ImageStreamTag', name: 'app:stable', namespace: 'default' } }],
        },
      },
    },
  ];
  const keys = matchPushes(indexStreams(streams), [{ hosts: ['quay.io'], path: 'acme/base', tag: '1' }]);
  expect([...keys]).toEqual(['default/base:a']);
  expect([...streamsFor(streams, keys)].sort()).toEqual(['default/app', 'default/base', 'other/prod']);
});

it('the config accepts a daemon: section and refuses a bad interval with the fix', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'imagestreams-daemon-config-'));
  try {
    await writeFile(
      join(dir, '.imagestreams.yaml'),
      'daemon:\n  interval: 10m\n  maxImportsPerMinute: 30\n  registryHosts: [registry.internal:5000]\n',
    );
    const ok = await loadProject({ cwd: dir });
    expect(ok.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(ok.config.daemon).toEqual({
      interval: '10m',
      maxImportsPerMinute: 30,
      registryHosts: ['registry.internal:5000'],
    });
    await writeFile(join(dir, '.imagestreams.yaml'), 'daemon:\n  interval: soon\n');
    const bad = await loadProject({ cwd: dir });
    expect(bad.diagnostics.map((d) => d.message).join('\n')).toMatch(/duration/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
