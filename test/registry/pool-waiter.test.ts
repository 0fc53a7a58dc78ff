// A request queued for a connection (the origin at its maxSockets) is taken from the queue when a slot frees and a
// connection opens for it. Its wait timer may fire while that connection is still opening (a slow TLS handshake):
// the request must then be served by the connection, not failed, or the connection would be stranded (opened for
// nobody, its slot lost for the rest of the run and every later request to the origin queued for ever).

import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert } from '../../scripts/lib/registry.js';
import { createWireTransport } from '../../src/registry/transport/wire.js';

const HANDSHAKE_DELAY_MS = 800;
let server: net.Server;
let base: string;
let handshakes = 0;

beforeAll(async () => {
  const cert = selfSignedCert('127.0.0.1');
  const app = http.createServer((req, res) => {
    if (req.url === '/held') {
      // A body that never ends: its connection stays busy until the client drops it.
      res.writeHead(200, { 'content-length': '1000000' });
      res.write('x');
      return;
    }
    res.end('ok');
  });
  // The TLS handshake starts only after a delay: a connection opens slowly.
  server = net.createServer((raw) => {
    setTimeout(() => {
      handshakes++;
      const secure = new tls.TLSSocket(raw, { isServer: true, key: cert.keyPem, cert: cert.certPem });
      app.emit('connection', secure);
    }, HANDSHAKE_DELAY_MS);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

describe('a queued request whose connection is still opening when its wait runs out', () => {
  it('is served by that connection, and the origin keeps its slot for the next request', async () => {
    const t = createWireTransport({ maxSockets: 1 });
    try {
      const held = await t.stream({
        method: 'GET',
        url: new URL(`${base}/held`),
        headers: {},
        insecureTls: true,
        idleTimeoutMs: 5000,
      });
      // A streamed request (its only bound while queued is its wait) queued behind the held connection.
      const queued = t.stream({
        method: 'GET',
        url: new URL(`${base}/a`),
        headers: {},
        insecureTls: true,
        idleTimeoutMs: 1000,
      });
      // At 300 ms the held connection closes: a connection opens for the queued request, and its handshake ends at
      // about 1,100 ms, after the queued request's 1,000 ms wait, within the connection's own 1,000 ms timeout.
      await new Promise((r) => setTimeout(r, 300));
      held.body.destroy();
      const res = await queued;
      expect(res.status).toBe(200);
      const chunks: Buffer[] = [];
      for await (const c of res.body) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('ok');

      // The slot was not lost: the next request reuses that connection at once (no new handshake).
      const before = handshakes;
      const next = await t({
        method: 'GET',
        url: new URL(`${base}/b`),
        headers: {},
        insecureTls: true,
        timeoutMs: 2000,
      });
      expect(next.status).toBe(200);
      expect(handshakes).toBe(before);
    } finally {
      t.close();
    }
  });
});
