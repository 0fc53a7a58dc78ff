import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/loader/load.js';

const BAD = join(import.meta.dirname, '..', 'fixtures', 'bad');

// file, line, column, code, message fragment (the fix it names)
const CASES: [string, number, number, string, string][] = [
  ['malformed.yaml', 7, 11, 'YAML_SYNTAX', 'Missing closing "quote'],
  ['malformed.json', 7, 3, 'YAML_SYNTAX', 'invalid YAML'],
  ['wrong-type.yaml', 8, 18, 'SCHEMA', 'spec.tags[0].reference must be true or false, not string "yes"'],
  [
    'unknown-kind.yaml',
    2,
    7,
    'UNKNOWN_KIND',
    'unknown kind "ImageStreem": expected ImageStream, ImageStreamList or List',
  ],
  ['duplicate-key.yaml', 5, 3, 'DUPLICATE_KEY', 'duplicate key "name"'],
  ['duplicate-key.json', 5, 3, 'DUPLICATE_KEY', 'duplicate key "metadata"'],
  ['alias-bomb.yaml', 2, 8, 'ALIAS_LIMIT', 'write the values out instead of using aliases'],
  [
    'bad-tag-name.yaml',
    9,
    13,
    'SCHEMA',
    'tag name "3.12!" is invalid: use letters, digits, "_", "." and "-"',
  ],
  ['unquoted-number.yaml', 7, 13, 'SCHEMA', 'quote the value, e.g. "3.10"'],
  [
    'bad-reference.yaml',
    10,
    15,
    'INVALID_REFERENCE',
    'repository name must be lowercase (did you mean "foo/bar"?)',
  ],
  ['bad-reference.json', 5, 75, 'INVALID_REFERENCE', 'invalid image reference "upper/Case"'],
  [
    'scheduled-follower.yaml',
    14,
    20,
    'SCHEDULED_NOT_DOCKER',
    'importPolicy.scheduled only applies to from.kind DockerImage',
  ],
  [
    'dangling.yaml',
    12,
    15,
    'TAG_NOT_FOUND',
    'tag "latest" follows python:3.13, which does not exist: stream python has tags 3.12, latest',
  ],
  ['cycle.yaml', 8, 42, 'TAG_CYCLE', 'ImageStreamTag cycle: a:x -> b:y -> a:x'],
  [
    'stream-image.yaml',
    12,
    44,
    'INVALID_STREAM_IMAGE',
    'write "stream@sha256:<hex digest or unambiguous prefix>"',
  ],
  [
    'duplicate-tag.yaml',
    9,
    13,
    'DUPLICATE_TAG',
    'tag "3.12" is declared twice in stream python (first at line 7)',
  ],
  ['unknown-field.yaml', 8, 7, 'SCHEMA', 'unknown field "form" in spec.tags[0]'],
  ['list-with-service.yaml', 8, 11, 'UNKNOWN_KIND', 'unknown kind "Service"'],
  [
    'bad-import-mode.yaml',
    10,
    21,
    'SCHEMA',
    'importMode "Preserve" is invalid: expected "Legacy", "PreserveOriginal"',
  ],
  ['binary.yaml', 3, 11, 'BINARY_FILE', 'file contains a NUL byte'],
  ['invalid-utf8.yaml', 5, 21, 'INVALID_UTF8', 'save it as UTF-8 text'],
];

describe('bad declarations: one error each, at the offending node, naming the fix', () => {
  it.each(CASES)('%s → %i:%i %s', async (file, line, column, code, fragment) => {
    const r = await loadProject({ cwd: BAD, paths: [file] });
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    const [d] = errors;
    expect({ file: d!.file, line: d!.line, column: d!.column, code: d!.code }).toEqual({
      file,
      line,
      column,
      code,
    });
    expect(d!.message).toContain(fragment);
  });

  it('reports every bad file at once when given the folder', async () => {
    const r = await loadProject({ cwd: BAD, paths: ['.'] });
    const files = new Set(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
    expect([...files].sort()).toEqual(CASES.map((c) => c[0]).sort());
  });
});

describe('hostile inputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'is-bad-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a 50 MB file after reading at most 1 MB of it', async () => {
    writeFileSync(join(dir, 'huge.yaml'), Buffer.alloc(50 * 1024 * 1024, 0x61));
    const t = performance.now();
    const r = await loadProject({ cwd: dir, paths: ['huge.yaml'] });
    expect(performance.now() - t).toBeLessThan(1000);
    expect(r.diagnostics).toMatchObject([{ file: 'huge.yaml', line: 1, column: 1, code: 'FILE_TOO_LARGE' }]);
    expect(r.diagnostics[0]!.message).toContain('over the 1 MB limit');
  });

  it('rejects a deep billion-laughs alias bomb in well under a second', async () => {
    const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 30; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    writeFileSync(join(dir, 'bomb.yaml'), `${lines.join('\n')}\nkind: ImageStream\n`);
    const t = performance.now();
    const r = await loadProject({ cwd: dir, paths: ['bomb.yaml'] });
    expect(performance.now() - t).toBeLessThan(1000);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['ALIAS_LIMIT']);
  });

  it('survives random binary garbage', async () => {
    const bytes = Buffer.alloc(64 * 1024);
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      bytes[i] = x & 0xff;
    }
    writeFileSync(join(dir, 'garbage.json'), bytes);
    const r = await loadProject({ cwd: dir, paths: ['garbage.json'] });
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics[0]).toMatchObject({ file: 'garbage.json', severity: 'error' });
  });

  it('reports a path that does not exist', async () => {
    const r = await loadProject({ cwd: dir, paths: ['nope.yaml'] });
    expect(r.diagnostics).toMatchObject([{ file: 'nope.yaml', code: 'PATH_NOT_FOUND', severity: 'error' }]);
  });
});
