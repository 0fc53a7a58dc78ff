import { describe, expect, it } from 'vitest';
import { parseChallenges, pickChallenge } from '../../src/registry/auth/challenge.js';
import { authFilePaths, configKeyHost, helperServerUrl } from '../../src/registry/auth/docker-config.js';
import { describeBody } from '../../src/registry/errors.js';
import { indexPlatforms } from '../../src/registry/manifest.js';
import { choosePlatform, normalizePlatform, parsePlatform } from '../../src/registry/platform.js';
import { parseRateLimit, parseRetryAfter } from '../../src/registry/transport/requester.js';
import { redact, redactUrl } from '../../src/util/redact.js';

describe('WWW-Authenticate parsing', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/python:pull"',
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/python:pull',
        },
      },
    ],
    ['Basic realm="Registry Realm"', { scheme: 'basic', params: { realm: 'Registry Realm' } }],
    [
      'Bearer realm="r",error="invalid_token",scope="repository:a:pull,push"',
      { scheme: 'bearer', params: { realm: 'r', error: 'invalid_token', scope: 'repository:a:pull,push' } },
    ],
  ])('%s', (header, want) => {
    expect(pickChallenge(header)).toEqual(want);
  });

  it('splits several challenges and prefers Bearer', () => {
    expect(parseChallenges('Basic realm="x", Bearer realm="y",service="s"').map((c) => c.scheme)).toEqual([
      'basic',
      'bearer',
    ]);
    expect(pickChallenge('Basic realm="x", Bearer realm="y"')?.params.realm).toBe('y');
  });
});

describe('platforms', () => {
  it.each([
    [{ os: 'linux', architecture: 'arm64', variant: 'v8' }, 'linux/arm64'],
    [{ os: 'linux', architecture: 'aarch64' }, 'linux/arm64'],
    [{ os: 'Linux', architecture: 'x86_64' }, 'linux/amd64'],
    [{ os: 'linux', architecture: 'arm' }, 'linux/arm/v7'],
    [{ os: 'linux', architecture: 'armhf' }, 'linux/arm/v7'],
    [{ os: 'linux', architecture: 'arm', variant: '6' }, 'linux/arm/v6'],
  ])('normalises %j to %s', (p, want) => {
    const n = normalizePlatform(p);
    expect(`${n.os}/${n.architecture}${n.variant ? `/${n.variant}` : ''}`).toBe(want);
  });

  it('parses --platform values and refuses malformed ones', () => {
    expect(parsePlatform('linux/arm64/v8')).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(parsePlatform('linux')).toBeUndefined();
    expect(parsePlatform('a/b/c/d')).toBeUndefined();
  });

  const plats = [
    { os: 'linux', architecture: 'arm64', digest: 'd1', mediaType: 'm' },
    { os: 'linux', architecture: 'arm', variant: 'v7', digest: 'd2', mediaType: 'm' },
    { os: 'linux', architecture: 'amd64', digest: 'd3', mediaType: 'm' },
  ];
  it.each([
    [{}, 'd3'],
    [{ preferArch: 'arm64' }, 'd1'],
    [{ preferArch: 'arm/v7' }, 'd2'],
    [{ preferArch: 's390x' }, 'd3'],
    [{ preferOs: 'windows' }, 'd3'],
    [{ platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }, 'd1'],
    [{ platform: { os: 'linux', architecture: 'ppc64le' } }, undefined],
  ])('Legacy choice for %j is %s', (pref, want) => {
    expect(choosePlatform(plats, pref)?.digest).toBe(want);
  });

  it('falls back to the first platform when there is no linux/amd64', () => {
    expect(choosePlatform(plats.slice(0, 2), {})?.digest).toBe('d1');
  });

  it('drops attestation entries from an index', () => {
    const doc = {
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          digest: 'a',
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          platform: { os: 'linux', architecture: 'amd64' },
        },
        {
          digest: 'b',
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          platform: { os: 'unknown', architecture: 'unknown' },
        },
        {
          digest: 'c',
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          platform: { os: 'linux', architecture: 'amd64' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
        },
      ],
    };
    expect(indexPlatforms(doc).map((p) => p.digest)).toEqual(['a']);
  });
});

describe('docker config lookup', () => {
  it('matches keys written as URLs on their host, and Docker Hub on its legacy key', () => {
    expect(configKeyHost('https://index.docker.io/v1/')).toBe('index.docker.io');
    expect(configKeyHost('quay.io')).toBe('quay.io');
    expect(configKeyHost('http://Reg.Example:5000/v2')).toBe('reg.example:5000');
    expect(helperServerUrl('docker.io')).toBe('https://index.docker.io/v1/');
    expect(helperServerUrl('ghcr.io')).toBe('ghcr.io');
  });

  it('reads REGISTRY_AUTH_FILE, DOCKER_CONFIG, XDG_RUNTIME_DIR in that order; ~/.docker only without DOCKER_CONFIG', () => {
    expect(
      authFilePaths({
        REGISTRY_AUTH_FILE: '/a.json',
        DOCKER_CONFIG: '/d',
        XDG_RUNTIME_DIR: '/run/u',
        HOME: '/h',
      }),
    ).toEqual(['/a.json', '/d/config.json', '/run/u/containers/auth.json']);
    expect(authFilePaths({ HOME: '/h' })).toEqual(['/h/.docker/config.json']);
  });
});

describe('redaction and response helpers', () => {
  it('redacts user info and secret query values from URLs', () => {
    expect(redactUrl('https://u:p@h/x?token=abc&n=1&X-Amz-Signature=zz')).toBe(
      'https://REDACTED@h/x?token=REDACTED&n=1&X-Amz-Signature=REDACTED',
    );
    expect(redact('Basic c2VjcmV0 and secret', ['secret', 'c2VjcmV0'])).toBe('Basic REDACTED and REDACTED');
  });

  it('describes registry JSON errors by code and a sanitised message, and never copies other bodies', () => {
    expect(
      describeBody(Buffer.from('{"errors":[{"code":"DENIED","message":"no"}]}'), 'application/json'),
    ).toBe('DENIED: no');
    expect(
      describeBody(
        Buffer.from(
          JSON.stringify({
            errors: [{ code: 'X\n::set-output', message: `a\n::error::b${'z'.repeat(500)}` }],
          }),
        ),
        'application/json',
      ),
    ).toMatch(/^a ::error::bz+…$/);
    expect(describeBody(Buffer.from('404 page not found\n'), 'text/plain')).toBe(
      'a 19-byte body that is not a registry error (not shown)',
    );
    expect(describeBody(Buffer.from('<html><title>Login</title></html>'), 'text/html')).toMatch(
      /^an HTML page/,
    );
  });

  it('parses Retry-After (seconds or date) and rate-limit headers', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRateLimit({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600' })).toEqual(
      {
        limit: 100,
        remaining: 76,
        windowSeconds: 21600,
      },
    );
    expect(parseRateLimit({})).toBeUndefined();
  });
});
