// oc habits on get and describe: the is/istag resource names, `-o json|yaml|name|wide`, `get istag` and
// `describe istag` (goldens under test/golden/get and test/golden/describe), and --json unchanged.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/entry/cli.js';
import { captureIO } from '../helpers/capture-io.js';

const PROJECT = join(import.meta.dirname, '..', 'fixtures', 'projects', 'describe');
const GOLDEN = join(import.meta.dirname, '..', 'golden');

function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

async function run(...argv: string[]) {
  const io = captureIO(PROJECT);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('get', () => {
  it('`get is` is `get`; -o name prints resource/name', async () => {
    expect((await run('get', 'is')).out).toBe((await run('get')).out);
    expect((await run('get', 'imagestreams', '-o', 'name')).out).toBe(
      'imagestream.image.openshift.io/python\nimagestream.image.openshift.io/app\n',
    );
  });

  it('-o wide lists every tag instead of "+ N more..."', async () => {
    const r = await run('get', '-o', 'wide');
    expect(r.code).toBe(0);
    expect(r.out).toContain('latest,3.12,3.11,stable,upstream');
  });

  it('-o yaml prints the ImageStream with status from the lock; a listing is a List', async () => {
    const one = parse((await run('get', 'python', '-o', 'yaml')).out);
    expect(one).toMatchObject({ kind: 'ImageStream', metadata: { name: 'python', namespace: 'default' } });
    expect(one.status.tags.find((t: { tag: string }) => t.tag === '3.12').items).toHaveLength(2);
    expect(Object.keys(one.status.tags[0].items[0]).sort()).toEqual([
      'created',
      'dockerImageReference',
      'generation',
      'image',
    ]);
    const all = JSON.parse((await run('get', '-o', 'json')).out);
    expect(all).toMatchObject({ kind: 'List', items: [{ kind: 'ImageStream' }, { kind: 'ImageStream' }] });
  });

  it('get istag lists the tags that have an image (golden get/istag.txt)', async () => {
    const r = await run('get', 'istag');
    expect(r.code).toBe(0);
    golden('get/istag.txt', r.out);
    const one = await run('get', 'istag', 'python:3.12', '-o', 'name');
    expect(one.out).toBe('imagestreamtag.image.openshift.io/python:3.12\n');
  });

  it('refuses an unknown -o, and -o with --json', async () => {
    const bad = await run('get', '-o', 'table');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('-o must be one of json, yaml, name, wide, not "table"');
    expect((await run('get', '-o', 'json', '--json')).code).toBe(2);
  });

  it('--json still prints the rows', async () => {
    const j = JSON.parse((await run('get', '--json')).out);
    expect(j[0]).toMatchObject({ name: 'python', namespace: 'default' });
  });
});

describe('describe', () => {
  it('describe istag shows the current image of one tag (golden describe/istag-python.txt)', async () => {
    const r = await run('describe', 'istag', 'python:3.12');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    golden('describe/istag-python.txt', r.out);
  });

  it('describe istag -o json is the ImageStreamTag object', async () => {
    const j = JSON.parse((await run('describe', 'istag', 'python:3.12', '-o', 'json')).out);
    expect(j).toMatchObject({
      kind: 'ImageStreamTag',
      metadata: { name: 'python:3.12', namespace: 'default' },
      image: { metadata: { name: `sha256:${'2'.repeat(64)}` } },
    });
  });

  it('describe is NAME -o yaml is the ImageStream; -o name its resource name', async () => {
    expect(parse((await run('describe', 'is', 'python', '-o', 'yaml')).out)).toMatchObject({
      kind: 'ImageStream',
    });
    expect((await run('describe', 'python', '-o', 'name')).out).toBe(
      'imagestream.image.openshift.io/python\n',
    );
  });

  it('a tag without an image, or not declared, is named with the fix', async () => {
    const r = await run('describe', 'istag', 'python:nope');
    expect(r.code).toBe(2);
    expect(r.err).toContain('default/python:nope is not declared');
    expect((await run('describe', 'istag', 'python')).code).toBe(2);
  });
});
