import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/entry/cli.js';
import { hintFor } from '../../src/model/error-codes.js';
import { captureIO } from '../helpers/capture-io.js';
import { pushSampleImages } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';

let reg: RunningRegistry;
let samples: Awaited<ReturnType<typeof pushSampleImages>>;

beforeAll(async () => {
  reg = await startRegistry();
  samples = await pushSampleImages(reg.url);
});
afterAll(async () => {
  await reg?.stop();
});

async function run(...argv: string[]) {
  const io = captureIO(process.cwd());
  const code = await main(['resolve', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

describe('imagestreams resolve', () => {
  it('prints the digest to pin (the index of a multi-arch image, as crane digest), media type and platforms', async () => {
    const r = await run(`${reg.host}/sample/list:1.0`, `${reg.host}/sample/docker:1.0`);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${reg.host}/sample/list:1.0`);
    expect(r.out).toContain(`digest      ${samples.list.digest}`);
    expect(r.out).toContain(`index       ${samples.list.digest}`);
    expect(r.out).not.toContain('chosen');
    expect(r.out).toMatch(/linux\/arm\/v7\s+sha256:/);
    expect(r.out).toContain(`digest      ${samples.docker.digest}`);
  });

  it('--import-mode Legacy shows the platform a Legacy import locks (linux/amd64)', async () => {
    const r = await run('--import-mode', 'Legacy', `${reg.host}/sample/list:1.0`);
    expect(r.code).toBe(0);
    expect(r.out).toContain('chosen      linux/amd64');
    expect(r.out).not.toContain(`digest      ${samples.list.digest}`);
  });

  it('prints JSON with --json and honours --import-mode and --platform', async () => {
    const a = await run('--json', `${reg.host}/sample/index:1.0`);
    expect(a.code).toBe(0);
    const [j] = JSON.parse(a.out);
    expect(j).toMatchObject({ digest: samples.index.digest, index: samples.index.digest });
    expect(j.platforms).toHaveLength(3);
    const b = await run('--json', '--platform', 'windows/amd64', `${reg.host}/sample/index:1.0`);
    expect(JSON.parse(b.out)[0]).toMatchObject({
      chosen: 'windows/amd64',
      digest: samples.index.index.images[2]!.digest,
    });
  });

  it('exits 1 when any reference fails, still printing the others', async () => {
    const r = await run('--json', `${reg.host}/sample/oci:1.0`, `${reg.host}/sample/oci:missing`);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j[0].digest).toBe(samples.oci.digest);
    expect(j[1].error.code).toBe('MANIFEST_UNKNOWN');
    expect(j[1].error.hint).toBe(hintFor('MANIFEST_UNKNOWN'));
  });

  it('exits 2 on bad usage or a bad reference', async () => {
    expect((await run()).code).toBe(2);
    const bad = await run('Foo/Bar:1');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('invalid image reference');
    expect((await run('--import-mode', 'Weird', 'x:1')).code).toBe(2);
    expect((await run('--platform', 'linux', 'x:1')).code).toBe(2);
  });
});
