import { describe, expect, it } from 'vitest';
import { createImporter } from '../../src/app/importer.js';
import { resolveConfig } from '../../src/config/config.js';
import type { ImportRequest } from '../../src/plan/next-locks.js';
import { type HttpRequest, TransportError } from '../../src/registry/transport/http.js';
import { silentLogger } from '../../src/util/logger.js';

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
