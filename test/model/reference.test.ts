import { describe, expect, it } from 'vitest';
import {
  formatFamiliar,
  formatFull,
  isLoopbackDomain,
  parseReference,
  referenceWarning,
  registryHost,
  tryParseReference,
} from '../../src/model/reference.js';

const HEX = 'a'.repeat(64);

// input → [full form, familiar form]
const VALID: [string, string, string][] = [
  ['ubuntu', 'docker.io/library/ubuntu', 'ubuntu'],
  ['ubuntu:22.04', 'docker.io/library/ubuntu:22.04', 'ubuntu:22.04'],
  ['library/ubuntu', 'docker.io/library/ubuntu', 'ubuntu'],
  ['docker.io/library/ubuntu:latest', 'docker.io/library/ubuntu:latest', 'ubuntu:latest'],
  ['index.docker.io/library/ubuntu', 'docker.io/library/ubuntu', 'ubuntu'],
  ['user/app', 'docker.io/user/app', 'user/app'],
  ['localhost/foo', 'localhost/foo', 'localhost/foo'],
  ['localhost:5000/foo', 'localhost:5000/foo', 'localhost:5000/foo'],
  ['localhost:5000/foo:bar', 'localhost:5000/foo:bar', 'localhost:5000/foo:bar'],
  ['127.0.0.1:5000/a/b', '127.0.0.1:5000/a/b', '127.0.0.1:5000/a/b'],
  ['[::1]:5000/a/b:t', '[::1]:5000/a/b:t', '[::1]:5000/a/b:t'],
  ['quay.io/org/app:1.2', 'quay.io/org/app:1.2', 'quay.io/org/app:1.2'],
  ['Quay.IO/org/app', 'Quay.IO/org/app', 'Quay.IO/org/app'],
  [
    'registry.example.com:5000/team/app@sha256:' + HEX,
    'registry.example.com:5000/team/app@sha256:' + HEX,
    'registry.example.com:5000/team/app@sha256:' + HEX,
  ],
  ['python:3.12@sha256:' + HEX, 'docker.io/library/python:3.12@sha256:' + HEX, 'python:3.12@sha256:' + HEX],
  ['a/b__c/d-e.f_g', 'docker.io/a/b__c/d-e.f_g', 'a/b__c/d-e.f_g'],
  ['foo:' + 'x'.repeat(128), 'docker.io/library/foo:' + 'x'.repeat(128), 'foo:' + 'x'.repeat(128)],
];

// input → fragment of the reason
const INVALID: [string, string][] = [
  ['', 'it is empty'],
  [' ubuntu', 'white space'],
  ['UPPER', 'repository name must be lowercase'],
  ['quay.io/Org/app', 'must be lowercase'],
  [HEX, 'image ID, not a repository name'],
  ['ubuntu:', 'invalid tag ""'],
  ['ubuntu:-x', 'invalid tag "-x"'],
  ['ubuntu:' + 'x'.repeat(129), 'invalid tag'],
  ['ubuntu@sha256:' + 'a'.repeat(40), 'exactly 64 hex'],
  ['ubuntu@sha256:abc', 'invalid digest'],
  ['ubuntu@md5', 'invalid digest'],
  ['a//b', 'empty path component'],
  ['a/b/', 'empty path component'],
  ['a/-b', 'invalid path component "-b"'],
  ['quay.io:port/app', 'invalid port'],
  ['[::1/a', 'unterminated IPv6'],
  ['-bad.example.com/app', 'invalid registry domain'],
  ['quay.io/', 'the repository path is empty'],
  ['quay.io/' + 'a'.repeat(256), 'longer than 255'],
  ['quay.io/app@sha256:' + HEX.toUpperCase(), 'lower-case hex (write "sha256:' + HEX + '")'],
  ['quay.io/app@sha1:' + 'a'.repeat(40), 'digest algorithm "sha1" is not supported'],
  ['quay.io/app@sha512:' + HEX, 'a sha512 digest has exactly 128 hex characters, not 64'],
  ['[2001:db8:3:4::192.0.2.33]:5000/debian', 'invalid IPv6 address'],
];

describe('parseReference', () => {
  it.each(VALID)('%s → %s (familiar %s)', (input, full, familiar) => {
    const ref = parseReference(input);
    expect(formatFull(ref)).toBe(full);
    expect(formatFamiliar(ref)).toBe(familiar);
  });

  it.each(INVALID)('refuses %j (%s)', (input, reason) => {
    const r = tryParseReference(input);
    expect('error' in r).toBe(true);
    if ('error' in r) {
      expect(r.error.code).toBe('INVALID_REFERENCE');
      expect(r.error.message).toContain(reason);
      expect(r.error.message).toContain('a valid form is');
    }
  });

  it('keeps tag and digest both', () => {
    expect(parseReference(`quay.io/a/b:1@sha256:${HEX}`)).toEqual({
      domain: 'quay.io',
      path: 'a/b',
      tag: '1',
      digest: `sha256:${HEX}`,
    });
  });

  it('counts the 255-character limit on the path only, not the registry', () => {
    const path = 'a'.repeat(255);
    expect(() => parseReference(`quay.io/${path}`)).not.toThrow();
    expect(() => parseReference(`quay.io/${path}a`)).toThrow(/longer than 255/);
    // Docker Hub's library/ prefix is part of the path.
    expect(() => parseReference('a'.repeat(247))).not.toThrow();
    expect(() => parseReference('a'.repeat(248))).toThrow(/longer than 255/);
  });

  it('refuses only a bare 64-hex name: with a registry or a tag it is a repository', () => {
    expect(formatFull(parseReference(`docker.io/${HEX}`))).toBe(`docker.io/library/${HEX}`);
    expect(formatFull(parseReference(`quay.io/${HEX}:1`))).toBe(`quay.io/${HEX}:1`);
    expect(() => parseReference(HEX)).toThrow(/image ID/);
  });

  it('takes an upper-case single label before "/" as a registry host, with a warning', () => {
    const r = parseReference('LOCALDOMAIN/debian');
    expect(r).toEqual({ domain: 'LOCALDOMAIN', path: 'debian' });
    expect(referenceWarning(r)).toContain('"localdomain/debian"');
    expect(referenceWarning(parseReference('Quay.IO/org/app'))).toBeUndefined();
    expect(referenceWarning(parseReference('debian'))).toBeUndefined();
  });

  it('speaks to Docker Hub on its API host, and knows loopback', () => {
    expect(registryHost(parseReference('ubuntu'))).toBe('registry-1.docker.io');
    expect(registryHost('quay.io')).toBe('quay.io');
    expect(['localhost', 'localhost:5000', '127.0.0.1:80', '[::1]:5000'].every(isLoopbackDomain)).toBe(true);
    expect(['quay.io', '10.0.0.1:5000', 'localhost.example.com'].some(isLoopbackDomain)).toBe(false);
  });
});
