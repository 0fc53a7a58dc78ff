import { describe, expect, it } from 'vitest';
import { parseDeclarations } from '../../src/loader/declarations.js';
import { validateStreams } from '../../src/policy/validate.js';

function check(yaml: string) {
  const parsed = parseDeclarations('s.yaml', yaml, { defaultNamespace: 'default' });
  expect(parsed.diagnostics).toEqual([]);
  return validateStreams(parsed.streams, {}).map((d) => `${d.line}:${d.severity}:${d.code}: ${d.message}`);
}

describe("OpenShift's ImageStream object rules", () => {
  it('validates spec.dockerImageRepository: a repository, no tag, no digest', () => {
    const out = check(
      [
        'kind: ImageStream',
        'metadata: {name: a}',
        'spec:',
        '  dockerImageRepository: quay.io/org/app:1',
        '---',
        'kind: ImageStream',
        'metadata: {name: b}',
        'spec: {dockerImageRepository: "a-|///bbb"}',
        '---',
        'kind: ImageStream',
        'metadata: {name: c}',
        'spec: {dockerImageRepository: quay.io/org/app}',
      ].join('\n'),
    );
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^4:error:INVALID_REPOSITORY: .*may not contain a tag: .*"quay.io\/org\/app"/);
    expect(out[1]).toMatch(/^8:error:INVALID_REFERENCE: /);
  });

  it('limits namespace/name to 255 characters', () => {
    const ns = 'a'.repeat(63);
    const ok = check(`kind: ImageStream\nmetadata: {namespace: ${ns}, name: ${'b'.repeat(191)}}\n`);
    expect(ok).toEqual([]);
    const long = check(`kind: ImageStream\nmetadata: {namespace: ${ns}, name: x${'b'.repeat(191)}}\n`);
    expect(long).toEqual([
      expect.stringMatching(
        /^2:error:NAME_TOO_LONG: "namespace\/name" is 256 characters; .*shorten the name by 1$/,
      ),
    ]);
  });

  it('requires the name to be a repository path component (no "..", "-_" runs)', () => {
    expect(check('kind: ImageStream\nmetadata: {name: a..b}\n')).toEqual([
      expect.stringContaining('error:INVALID_STREAM_NAME'),
    ]);
    expect(check('kind: ImageStream\nmetadata: {name: a.b_c-d}\n')).toEqual([]);
  });

  it('warns when an upper-case single label is taken as a registry host', () => {
    const out = check(
      'kind: ImageStream\nmetadata: {name: d}\nspec:\n  tags:\n  - name: a\n    from: {kind: DockerImage, name: LOCALDOMAIN/debian}\n',
    );
    expect(out).toEqual([
      expect.stringMatching(/^6:warning:AMBIGUOUS_REGISTRY: "LOCALDOMAIN" is taken as a registry host/),
    ]);
  });

  it('refuses digests go-digest refuses, at validate time', () => {
    const H = 'a'.repeat(64);
    const out = check(
      [
        'kind: ImageStream',
        'metadata: {name: e}',
        'spec:',
        '  tags:',
        `  - {name: a, from: {kind: DockerImage, name: "quay.io/x@sha256:${H.toUpperCase()}"}}`,
        `  - {name: b, from: {kind: DockerImage, name: "quay.io/x@md5:${'a'.repeat(32)}"}}`,
        `  - {name: c, from: {kind: DockerImage, name: "quay.io/x@sha512:${H}"}}`,
        `  - {name: d, from: {kind: DockerImage, name: "docker.io/${H}"}}`,
      ].join('\n'),
    );
    expect(out).toEqual([
      expect.stringMatching(/^5:error:INVALID_REFERENCE: .*lower-case hex/),
      expect.stringMatching(/^6:error:INVALID_REFERENCE: .*"md5" is not supported/),
      expect.stringMatching(/^7:error:INVALID_REFERENCE: .*exactly 128 hex characters, not 64/),
    ]);
  });
});
