// Per-call insecure (a tag's importPolicy.insecure) against the real Distribution registry, reached under a
// name that is not loopback: the transport connects to 127.0.0.1, the client sees `registry.insecure.test`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImagestreamsError } from '../../src/model/errors.js';
import { parseReference } from '../../src/model/reference.js';
import { createRegistryClient } from '../../src/registry/client.js';
import { createRunResolver } from '../../src/registry/run-resolver.js';
import type { HttpRequest, HttpSend } from '../../src/registry/transport/http.js';
import { createWireTransport } from '../../src/registry/transport/wire.js';
import type { RegistryClient } from '../../src/registry/types.js';
import { pushSampleImages } from '../helpers/push-images.js';
import { type RunningRegistry, startRegistry } from '../helpers/registry-server.js';

let reg: RunningRegistry;
let samples: Awaited<ReturnType<typeof pushSampleImages>>;
let host: string;
const transport = createWireTransport();
const seen: string[] = [];
const clients: RegistryClient[] = [];

/** The real transport, with `registry.insecure.test` pinned to the registry's loopback address (curl --resolve). */
const send: HttpSend = (req: HttpRequest) => {
  seen.push(`${req.method} ${req.url.protocol}${req.insecureTls ? '(any cert)' : ''} ${req.url.host}`);
  if (req.url.hostname !== 'registry.insecure.test') return transport(req);
  const url = new URL(req.url);
  url.hostname = '127.0.0.1';
  return transport({ ...req, url, headers: { ...req.headers, host: req.url.host } });
};

function mk(opts: Parameters<typeof createRegistryClient>[0] = {}) {
  const c = createRegistryClient({ send, retries: 0, timeoutMs: 5000, ...opts });
  clients.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<ImagestreamsError> {
  const e = await p.then(
    () => new Error('expected a failure'),
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ImagestreamsError);
  return e as ImagestreamsError;
}

beforeAll(async () => {
  reg = await startRegistry();
  samples = await pushSampleImages(reg.url);
  host = `registry.insecure.test:${reg.port}`;
});
afterAll(async () => {
  for (const c of clients) c.close();
  transport.close();
  await reg?.stop();
});

describe('importPolicy.insecure: one call may use unverified TLS, then plain HTTP', () => {
  it('a non-loopback registry over plain HTTP is refused without insecure and resolves with it', async () => {
    const c = mk();
    const ref = parseReference(`${host}/sample/docker:1.0`);
    const refused = await failure(c.resolve(ref));
    expect(refused.code).toBe('NOT_ALLOWED');
    expect(refused.message).toMatch(/mark it insecure/);
    seen.length = 0;
    const r = await c.resolve(ref, { insecure: true, withMetadata: true });
    expect(r.digest).toBe(samples.docker.digest);
    expect(r.metadata?.revision).toBe('abc123');
    expect(seen.slice(0, 2)).toEqual([`HEAD https:(any cert) ${host}`, `HEAD http: ${host}`]);
  });

  it('the scheme an insecure call found never serves a secure call of the same registry', async () => {
    const c = mk();
    const ref = parseReference(`${host}/sample/index:1.0`);
    const r = await c.resolve(ref, { insecure: true, importMode: 'PreserveOriginal' });
    expect(r.digest).toBe(samples.index.digest);
    expect((await failure(c.resolveRaw(ref))).code).toBe('NOT_ALLOWED');
    expect((await failure(c.listTags(ref))).code).toBe('NOT_ALLOWED');
    expect(await c.listTags(ref, { insecure: true })).toEqual(['1.0']);
  });

  it('the run resolver memoises secure and insecure calls of one reference apart', async () => {
    const resolver = createRunResolver(mk());
    const ref = parseReference(`${host}/sample/oci:1.0`);
    expect((await failure(resolver.resolve(ref))).code).toBe('NOT_ALLOWED');
    expect((await resolver.resolve(ref, { insecure: true })).digest).toBe(samples.oci.digest);
    expect((await failure(resolver.resolve(ref))).code).toBe('NOT_ALLOWED');
    expect(resolver.report()).toMatchObject({ resolved: 1, failed: 1 });
  });
});
