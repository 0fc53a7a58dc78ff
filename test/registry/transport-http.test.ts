// The registry transport's deadlines (one sweeper for all requests in flight, not a timer each): a request with no
// complete response fails as a timeout, never before its own deadline, while an answered one on the same transport
// succeeds; query strings reach the server as written.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError } from '../../src/registry/transport/http.js';
import { createWireTransport } from '../../src/registry/transport/wire.js';

let server: http.Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    if (req.url?.startsWith('/hang')) return; // never answers
    res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] });
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('the registry transport (createWireTransport)', () => {
  it('times out requests without a response, never before their own deadline, and answers the others', async () => {
    const send = createWireTransport();
    try {
      const start = performance.now();
      const outcome: Record<string, string> = {};
      const hang = (ms: number) =>
        send({ method: 'GET', url: new URL(`${base}/hang/${ms}`), headers: {}, timeoutMs: ms }).then(
          () => {
            outcome[ms] = 'answered';
          },
          (e: unknown) => {
            expect(e).toBeInstanceOf(TransportError);
            expect((e as TransportError).kind).toBe('timeout');
            // A lower bound only: a busy machine may run the sweeper late, never early.
            expect(performance.now() - start).toBeGreaterThanOrEqual(ms - 1);
            outcome[ms] = 'timeout';
          },
        );
      const ok = send({ method: 'GET', url: new URL(`${base}/ok?x=1&y=2`), headers: {}, timeoutMs: 30_000 });
      await Promise.all([hang(400), hang(100), ok]);
      expect(outcome).toEqual({ 100: 'timeout', 400: 'timeout' });
      expect(seen).toContain('/ok?x=1&y=2');
      expect((await ok).status).toBe(200);
      expect((await ok).headers['set-cookie']).toBe('a=1, b=2');
      expect((await ok).body.toString()).toBe('ok');
    } finally {
      send.close();
    }
  });

  it('still times out a request sent after an earlier one finished (the sweeper restarts)', async () => {
    const send = createWireTransport();
    try {
      await send({ method: 'GET', url: new URL(`${base}/ok`), headers: {}, timeoutMs: 1000 });
      const e = await send({
        method: 'GET',
        url: new URL(`${base}/hang/late`),
        headers: {},
        timeoutMs: 80,
      }).catch((x: unknown) => x);
      expect((e as TransportError).kind).toBe('timeout');
    } finally {
      send.close();
    }
  });
});
