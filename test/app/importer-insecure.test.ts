import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImporter } from '../../src/app/importer.js';
import { resolveConfig } from '../../src/config/config.js';
import { type ImportRequest, planImports, type StreamState } from '../../src/plan/next-locks.js';
import { type HttpRequest, type HttpSend, TransportError } from '../../src/registry/transport/http.js';
import { createWireTransport } from '../../src/registry/transport/wire.js';
import { silentLogger } from '../../src/util/logger.js';
import { pushSampleImages } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';

function request(from: string, insecure: boolean): ImportRequest {
  return {
    key: `default/app:${insecure ? 'insecure' : 'secure'}`,
    namespace: 'default',
    stream: 'app',
    tag: insecure ? 'insecure' : 'secure',
    from,
    insecure,
    importMode: 'Legacy',
    reason: 'new',
  } as ImportRequest;
}

describe('importPolicy.insecure is decided per tag', () => {
  it('a tag that is not insecure stays on verified HTTPS even when another tag of its registry is insecure', async () => {
    const seen: string[] = [];
    const importer = createImporter({
      config: resolveConfig(),
      env: {},
      logger: silentLogger,
      client: {
        retries: 0,
        send: async (r: HttpRequest) => {
          seen.push(`${r.url.protocol}${r.insecureTls ? '(any cert)' : ''} ${r.url.pathname}`);
          throw new TransportError('refused', 'connection refused', 'ECONNREFUSED');
        },
      },
    });
    try {
      await importer.importTag(request('registry.example.test/team/insecure:1', true));
      const forInsecure = seen.splice(0);
      await importer.importTag(request('registry.example.test/team/secure:1', false));
      expect(forInsecure).toEqual([
        'https:(any cert) /v2/team/insecure/manifests/1',
        'http: /v2/team/insecure/manifests/1',
      ]);
      // Before: the whole registry turned insecure because one of its tags was.
      expect(seen).toEqual(['https: /v2/team/secure/manifests/1']);
    } finally {
      importer.close();
    }
  });
});

describe('importPolicy.insecure against the real registry under a name that is not loopback', () => {
  let reg: RunningRegistry;
  let digest: string;
  const transport = createWireTransport();
  /** The real transport, `registry.insecure.test` pinned to the registry's loopback address. */
  const send: HttpSend = (req) => {
    if (req.url.hostname !== 'registry.insecure.test') return transport(req);
    const url = new URL(req.url);
    url.hostname = '127.0.0.1';
    return transport({ ...req, url, headers: { ...req.headers, host: req.url.host } });
  };
  beforeAll(async () => {
    reg = await startRegistry();
    digest = (await pushSampleImages(reg.url)).docker.digest;
  });
  afterAll(async () => {
    transport.close();
    await reg?.stop();
  });

  const stream = (annotations: Record<string, string>, insecure: boolean): StreamState => ({
    namespace: 'default',
    name: 'app',
    file: 'imagestreams/app.yaml',
    lockFile: 'imagestreams.lock/default/app.json',
    object: {
      metadata: { name: 'app', namespace: 'default', annotations },
      spec: {
        tags: [
          {
            name: 'v1',
            from: { kind: 'DockerImage', name: `registry.insecure.test:${reg.port}/sample/docker:1.0` },
            ...(insecure ? { importPolicy: { insecure: true } } : {}),
          },
        ],
      },
    },
  });

  it('a tag (or stream) marked insecure imports over plain HTTP; unmarked, the import is refused', async () => {
    const importer = createImporter({
      config: resolveConfig(),
      env: {},
      logger: silentLogger,
      client: { send, retries: 0 },
    });
    try {
      const [plain] = planImports([stream({}, false)]);
      const [tagged] = planImports([stream({}, true)]);
      const [annotated] = planImports([stream({ 'openshift.io/image.insecureRepository': 'true' }, false)]);
      expect([plain!.insecure, tagged!.insecure, annotated!.insecure]).toEqual([false, true, true]);
      expect(await importer.importTag(plain!)).toMatchObject({ ok: false, reason: 'NotAllowed' });
      expect(await importer.importTag(tagged!)).toMatchObject({ ok: true, item: { image: digest } });
      expect(await importer.importTag(annotated!)).toMatchObject({ ok: true, item: { image: digest } });
    } finally {
      importer.close();
    }
  });
});
