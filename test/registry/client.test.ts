import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCode } from '../../src/model/errors.js';
import { parseReference } from '../../src/model/reference.js';
import { createRegistryClient, type RegistryClient } from '../../src/registry/client.js';
import { DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST } from '../../src/registry/mediatypes.js';
import { makeImage, pool, pushImage, pushSampleImages } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';

let reg: RunningRegistry;
let samples: Awaited<ReturnType<typeof pushSampleImages>>;
let client: RegistryClient;
const ref = (s: string) => parseReference(`${reg.host}/${s}`);

beforeAll(async () => {
  reg = await startRegistry();
  samples = await pushSampleImages(reg.url);
  const many = Array.from({ length: 25 }, (_, i) => `t${String(i).padStart(2, '0')}`);
  await pushImage(reg.url, 'sample/many', many, makeImage({ seed: 'many' }));
  client = createRegistryClient();
});
afterAll(async () => {
  client?.close();
  await reg?.stop();
});

function skopeoDigest(repo: string, tag: string): string {
  const raw = execFileSync('skopeo', [
    'inspect',
    '--raw',
    '--tls-verify=false',
    `docker://${reg.host}/${repo}:${tag}`,
  ]);
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

describe('resolve against the real registry', () => {
  it('resolves a single-arch Docker schema2 tag with one HEAD, digest matching skopeo', async () => {
    const before = client.stats().requests;
    const r = await client.resolve(ref('sample/docker:1.0'));
    expect(r.digest).toBe(samples.docker.digest);
    expect(r.digest).toBe(skopeoDigest('sample/docker', '1.0'));
    expect(r.mediaType).toBe(DOCKER_MANIFEST);
    expect(r.platforms).toBeUndefined();
    expect(client.stats().requests - before).toBe(1);
  });

  it('resolves a single-arch OCI manifest', async () => {
    const r = await client.resolve(ref('sample/oci:1.0'));
    expect(r.digest).toBe(samples.oci.digest);
    expect(r.digest).toBe(skopeoDigest('sample/oci', '1.0'));
    expect(r.mediaType).toBe(OCI_MANIFEST);
  });

  it('Legacy on a Docker manifest list locks linux/amd64 and records every platform normalised', async () => {
    const r = await client.resolve(ref('sample/list:1.0'));
    expect(r.index).toBe(samples.list.digest);
    expect(r.index).toBe(skopeoDigest('sample/list', '1.0'));
    expect(r.indexMediaType).toBe(DOCKER_LIST);
    expect(r.digest).toBe(samples.list.index.images[0]!.digest);
    expect(r.mediaType).toBe(DOCKER_MANIFEST);
    expect(r.chosen).toMatchObject({ os: 'linux', architecture: 'amd64' });
    expect(r.platforms?.map((p) => [p.os, p.architecture, p.variant])).toEqual([
      ['linux', 'amd64', undefined],
      ['linux', 'arm64', undefined],
      ['linux', 'arm', 'v7'],
    ]);
  });

  it('PreserveOriginal on an OCI index locks the index, excluding the attestation entry', async () => {
    const r = await client.resolve(ref('sample/index:1.0'), { importMode: 'PreserveOriginal' });
    expect(r.digest).toBe(samples.index.digest);
    expect(r.digest).toBe(skopeoDigest('sample/index', '1.0'));
    expect(r.mediaType).toBe(OCI_INDEX);
    expect(r.index).toBe(samples.index.digest);
    expect(r.platforms).toHaveLength(3);
    expect(r.platforms!.map((p) => `${p.os}/${p.architecture}`)).toEqual([
      'linux/arm64',
      'linux/amd64',
      'windows/amd64',
    ]);
    expect(r.chosen).toBeUndefined();
  });

  it('Legacy honours an explicit platform, then preferArch, then linux/amd64', async () => {
    const idx = samples.index.index.images;
    const a = await client.resolve(ref('sample/index:1.0'), {
      platform: { os: 'windows', architecture: 'amd64' },
    });
    expect(a.digest).toBe(idx[2]!.digest);
    const b = await client.resolve(ref('sample/index:1.0'), { preferArch: 'arm64' });
    expect(b.digest).toBe(idx[0]!.digest);
    const c = await client.resolve(ref('sample/index:1.0'));
    expect(c.digest).toBe(idx[1]!.digest);
    const d = await client.resolve(ref('sample/list:1.0'), {
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    });
    expect(d.chosen).toMatchObject({ architecture: 'arm64' });
    await expect(
      client.resolve(ref('sample/index:1.0'), { platform: { os: 'linux', architecture: 's390x' } }),
    ).rejects.toMatchObject({ code: 'PLATFORM_NOT_FOUND' });
  });

  it('reads each index once per client (content-addressed cache)', async () => {
    const before = client.stats().requests;
    await client.resolve(ref('sample/list:1.0'), { importMode: 'PreserveOriginal' });
    expect(client.stats().requests - before).toBe(1);
  });

  it('resolves a digest reference and checks the digest', async () => {
    const r = await client.resolve(ref(`sample/docker@${samples.docker.digest}`));
    expect(r.digest).toBe(samples.docker.digest);
    const r2 = await client.resolve(ref(`sample/list@${samples.list.digest}`), {
      importMode: 'PreserveOriginal',
    });
    expect(r2.platforms).toHaveLength(3);
  });

  it('reports an unknown tag and an unknown repository as MANIFEST_UNKNOWN naming registry and reference', async () => {
    for (const s of ['sample/docker:nope', 'no/such-repo:1']) {
      const err = await client.resolve(ref(s)).catch((e: unknown) => e);
      expect(hasCode(err, 'MANIFEST_UNKNOWN')).toBe(true);
      const e = err as Error & { data: Record<string, unknown>; permanent: boolean };
      expect(e.message).toContain(reg.host);
      expect(e.message).toContain(s);
      expect(e.data).toMatchObject({ registry: reg.host, status: 404 });
      expect(e.permanent).toBe(true);
    }
  });

  it('fetches creation time and OCI labels only when asked', async () => {
    const before = client.stats().requests;
    const r = await client.resolve(ref('sample/docker:1.0'), { withMetadata: true });
    expect(r.metadata).toMatchObject({
      created: '2024-05-06T07:08:09Z',
      source: 'https://github.com/example/app',
      revision: 'abc123',
      version: '1.0.0',
    });
    expect(client.stats().requests - before).toBe(3);
    const plain = await client.resolve(ref('sample/docker:1.0'));
    expect(plain.metadata).toBeUndefined();
  });

  it('lists tags across Link-paginated pages', async () => {
    const tags = await client.listTags(ref('sample/many'), { pageSize: 10 });
    expect(tags).toHaveLength(25);
    expect(new Set(tags).size).toBe(25);
    const s = client.stats().hosts[reg.host]!;
    expect(s.byMethod.GET).toBeGreaterThanOrEqual(3);
  });

  it('resolves many tags concurrently over kept-alive connections', async () => {
    const refs = Array.from({ length: 25 }, (_, i) => ref(`sample/many:t${String(i).padStart(2, '0')}`));
    const out = await pool(refs, 8, (r) => client.resolve(r));
    expect(new Set(out.map((r) => r.digest)).size).toBe(1);
  });
});
