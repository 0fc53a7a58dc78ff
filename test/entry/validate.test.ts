import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/entry/cli.js';
import { hintFor } from '../../src/model/error-codes.js';
import { captureIO } from '../helpers/capture-io.js';

import { CORPUS } from '../helpers/corpus.js';

const BAD = join(import.meta.dirname, '..', 'fixtures', 'bad');
const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'basic');
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'imagestreams.js');

describe('imagestreams validate', () => {
  it('accepts the example project (default folder and config)', async () => {
    const io = captureIO(EXAMPLE);
    expect(await main(['validate'], io)).toBe(0);
    expect(io.out()).toBe('1 file, 3 tags: valid\n');
  });

  it('prints every error as file:line:column: message and exits 1', async () => {
    const io = captureIO(BAD);
    expect(await main(['validate', 'dangling.yaml', 'bad-tag-name.yaml'], io)).toBe(1);
    expect(io.out()).toBe(
      [
        'bad-tag-name.yaml:4:9: warning: stream default/python is declared 2 times (first in dangling.yaml; also in bad-tag-name.yaml): they would share one lock and the first wins; rename them or set metadata.namespace',
        'bad-tag-name.yaml:9:13: tag name "3.12!" is invalid: use letters, digits, "_", "." and "-", at most 128 characters, not starting with "." or "-", e.g. "3.12"',
        'dangling.yaml:12:15: tag "latest" follows python:3.13, which does not exist: stream python has tags 3.12, latest',
        '2 files, 2 tags: 2 errors (1 warning)',
        '',
      ].join('\n'),
    );
  });

  it('adds ::error annotations inside GitHub Actions', async () => {
    const io = captureIO(BAD, { env: { GITHUB_ACTIONS: 'true' } });
    expect(await main(['validate', 'cycle.yaml'], io)).toBe(1);
    expect(io.out()).toContain(
      '::error file=cycle.yaml,line=8,col=42,endLine=8,endColumn=47,title=imagestreams TAG_CYCLE::ImageStreamTag cycle: a:x -> b:y -> a:x',
    );
  });

  it('--json reports counts and diagnostics', async () => {
    const io = captureIO(BAD);
    expect(await main(['validate', '--json', 'duplicate-tag.yaml'], io)).toBe(1);
    const j = JSON.parse(io.out());
    expect(j).toMatchObject({ valid: false, files: 1, streams: 1, tags: 2, errors: 1, warnings: 0 });
    expect(j.diagnostics[0]).toMatchObject({
      file: 'duplicate-tag.yaml',
      line: 9,
      column: 13,
      code: 'DUPLICATE_TAG',
      hint: hintFor('DUPLICATE_TAG'),
    });
  });

  it('applies allowedRegistries from --config', async () => {
    const io = captureIO(EXAMPLE);
    const cfg = join(import.meta.dirname, '..', 'fixtures', 'projects', 'quay-only.yaml');
    expect(await main(['validate', '--config', cfg], io)).toBe(1);
    expect(io.out()).toContain(
      'imagestreams/python.yaml:22:15: registry "docker.io" is not in allowedRegistries (quay.io, *.example.com): add it to .imagestreams.yaml or import from an allowed registry',
    );
  });

  it('exits 2 for a path or config that does not exist', async () => {
    const io = captureIO(BAD);
    expect(await main(['validate', 'missing.yaml'], io)).toBe(2);
    expect(io.out()).toContain('missing.yaml:1:1: no such file or folder');
    const io2 = captureIO(BAD);
    expect(await main(['validate', '--config', 'nope.yaml', 'cycle.yaml'], io2)).toBe(2);
  });

  it('reports a bad config at its line', async () => {
    const io = captureIO(EXAMPLE);
    const cfg = join(import.meta.dirname, '..', 'fixtures', 'projects', 'bad-config.yaml');
    expect(await main(['validate', '--config', cfg], io)).toBe(1);
    expect(io.out()).toContain(
      'bad-config.yaml:3:19: unknown field "password" in registries.quay.io.credentials: give the NAMES of environment variables',
    );
    expect(io.out()).not.toContain('hunter2');
  });

  it('has help with examples and exit codes', async () => {
    for (const cmd of ['validate', 'describe', 'get']) {
      const io = captureIO(BAD);
      expect(await main([cmd, '--help'], io)).toBe(0);
      expect(io.out()).toContain('Examples:');
      expect(io.out()).toContain('Exit codes:');
    }
  });

  it('validates the whole corpus through the real binary', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'validate', '.'], { cwd: CORPUS });
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('532 files, 3170 tags: valid (63 warnings)');
  });
});
