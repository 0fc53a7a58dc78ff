import { describe, expect, it } from 'vitest';
import { registryAllowed, registryMatches, resolveConfig } from '../../src/config/config.js';
import { parseConfig } from '../../src/config/load.js';

describe('config', () => {
  it('applies every default in one place', () => {
    const c = resolveConfig(undefined);
    expect(c).toMatchObject({
      declarations: ['imagestreams'],
      namespace: 'default',
      lockDir: 'imagestreams.lock',
      historyLimit: 10,
      insecureRegistries: [],
      registries: {},
      dispatch: [],
      publish: { mode: 'pull-request', branchPrefix: 'imagestreams/', draft: false, autoMerge: false },
    });
    expect(c.allowedRegistries).toBeUndefined();
  });

  it('parses a full config', () => {
    const r = parseConfig(
      '.imagestreams.yaml',
      [
        'declarations: [streams, "more/**/*.yaml"]',
        'namespace: team-a',
        'lockDir: locks/',
        'historyLimit: 3',
        'allowedRegistries: [quay.io, "*.example.com", "localhost:5000"]',
        'localRegistry: registry.example.com/mirror/',
        'registries:',
        '  quay.io:',
        '    mirrors: [mirror.example.com/quay]',
        '    credentials: {usernameEnv: QUAY_USER, passwordEnv: QUAY_PASSWORD}',
        'publish: {mode: commit, labels: [deps], autoMerge: squash, author: "bot <bot@example.com>"}',
        'dispatch:',
        '  - {type: repository_dispatch, repository: org/app, eventType: image-bump}',
      ].join('\n'),
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.config).toMatchObject({
      declarations: ['streams', 'more/**/*.yaml'],
      namespace: 'team-a',
      lockDir: 'locks',
      historyLimit: 3,
      localRegistry: 'registry.example.com/mirror',
      registries: { 'quay.io': { mirrors: ['mirror.example.com/quay'], insecure: false } },
      publish: { mode: 'commit', autoMerge: 'squash', author: 'bot <bot@example.com>' },
    });
  });

  it.each([
    ['historyLimit: "10"', 1, 15, 'historyLimit must be an integer'],
    [
      'publish: {mode: sometimes}',
      1,
      17,
      'publish.mode "sometimes" is invalid: expected "pull-request", "commit", "none"',
    ],
    ['namespace: Team_A', 1, 12, 'use a DNS label'],
    ['allowedRegistries: ["https://quay.io"]', 1, 21, 'use a host name with an optional port'],
    [
      'registries: {q.io: {credentials: {usernameEnv: u, passwordEnv: "s3cr3t!"}}}',
      1,
      64,
      'never the secret itself',
    ],
    ['lockdir: x', 1, 1, 'unknown field "lockdir": expected one of declarations, namespace, lockDir'],
  ])('reports %s at its position', (text, line, column, fragment) => {
    const r = parseConfig('.imagestreams.yaml', text);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      file: '.imagestreams.yaml',
      line,
      column,
      code: 'CONFIG_SCHEMA',
    });
    expect(r.diagnostics[0]!.message).toContain(fragment);
    expect(r.diagnostics[0]!.message).not.toContain('s3cr3t');
  });

  it('matches registries exactly, by wildcard subdomain, and with or without a port', () => {
    expect(registryMatches('quay.io', 'quay.io')).toBe(true);
    expect(registryMatches('quay.io', 'quay.io:443')).toBe(true);
    expect(registryMatches('localhost:5000', 'localhost:5001')).toBe(false);
    expect(registryMatches('*.example.com', 'registry.example.com')).toBe(true);
    expect(registryMatches('*.example.com', 'example.com')).toBe(false);
    expect(registryMatches('*.example.com', 'evil-example.com')).toBe(false);
    expect(registryMatches('index.docker.io', 'docker.io')).toBe(true);
    expect(registryAllowed({}, 'anything.io')).toBe(true);
    expect(registryAllowed({ allowedRegistries: [] }, 'quay.io')).toBe(false);
  });
});
