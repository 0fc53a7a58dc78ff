// Streamed exchanges of the registry transport (issue 17: the mirror copier's blobs on the same pool as buffered
// requests): a response body read with back-pressure (the connection pauses while its reader lags), a request body
// streamed in and held to its Content-Length, and the connection reused afterwards by a buffered request.

import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError } from '../../src/registry/transport/http.js';
import { createWireTransport } from '../../src/registry/transport/wire.js';

const BLOB = Buffer.alloc(4 * 1024 * 1024, 'imagestreams');
let server: http.Server;
let base: string;
let accepted = 0;
let maxBuffered = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-length': BLOB.length });
      // Count how far the server's writes run ahead of the client's reading.
      let off = 0;
      const pump = () => {
        while (off < BLOB.length) {
          const ok = res.write(BLOB.subarray(off, off + 65536));
          off += 65536;
          maxBuffered = Math.max(maxBuffered, res.writableLength);
          if (!ok) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    const hash = createHash('sha256');
    let n = 0;
    req.on('data', (c: Buffer) => {
      hash.update(c);
      n += c.length;
    });
    req.on('end', () => res.end(`${n} ${hash.digest('hex')}`));
  });
  server.on('connection', () => accepted++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** A PUT of 5,000 declared bytes from `body` that is expected to fail: its error. */
function failedPut(t: ReturnType<typeof createWireTransport>, body: Readable, idleTimeoutMs: number) {
  return t
    .stream({
      method: 'PUT',
      url: new URL(`${base}/up`),
      headers: { 'content-length': '5000' },
      body,
      idleTimeoutMs,
    })
    .catch((x: unknown) => x);
}

describe('streamed exchanges', () => {
  it('reads a response body with back-pressure, then reuses the connection for a buffered request', async () => {
    const t = createWireTransport({ maxSockets: 1 });
    try {
      const before = accepted;
      const res = await t.stream({
        method: 'GET',
        url: new URL(`${base}/blob`),
        headers: {},
        idleTimeoutMs: 5000,
      });
      expect(res.status).toBe(200);
      // Read nothing for a while: the server must be held back (not all 4 MiB pushed into our memory).
      await new Promise((r) => setTimeout(r, 100));
      expect(res.body.readableLength).toBeLessThan(BLOB.length / 2);
      const chunks: Buffer[] = [];
      for await (const c of res.body) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).equals(BLOB)).toBe(true);
      expect(
        (await t({ method: 'PUT', url: new URL(`${base}/x`), headers: {}, body: 'ab', timeoutMs: 5000 }))
          .status,
      ).toBe(200);
      expect(accepted - before).toBe(1);
    } finally {
      t.close();
    }
  });

  it('a request queued behind a connection whose body nobody reads times out instead of waiting for ever', async () => {
    const t = createWireTransport({ maxSockets: 1 });
    try {
      // The only connection stays busy: its response body is never read.
      const held = await t.stream({
        method: 'GET',
        url: new URL(`${base}/blob`),
        headers: {},
        idleTimeoutMs: 5000,
      });
      const e = await t
        .stream({ method: 'GET', url: new URL(`${base}/blob`), headers: {}, idleTimeoutMs: 200 })
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TransportError);
      expect((e as TransportError).kind).toBe('timeout');
      expect((e as TransportError).message).toMatch(
        /no connection to 127\.0\.0\.1:\d+ came free within 200 ms/,
      );
      // Once the connection is free again, the next request gets it.
      held.body.destroy();
      const res = await t({
        method: 'PUT',
        url: new URL(`${base}/x`),
        headers: {},
        body: 'ab',
        timeoutMs: 5000,
      });
      expect(res.status).toBe(200);
    } finally {
      t.close();
    }
  });

  it('streams a request body of its Content-Length, and refuses one shorter or longer', async () => {
    const t = createWireTransport();
    try {
      const body = Readable.from([BLOB.subarray(0, 1_000_000), BLOB.subarray(1_000_000)]);
      const headers = { 'content-length': String(BLOB.length) };
      const res = await t.stream({
        method: 'PUT',
        url: new URL(`${base}/up`),
        headers,
        body,
        idleTimeoutMs: 5000,
      });
      const answer = Buffer.concat(await res.body.toArray()).toString();
      expect(answer).toBe(`${BLOB.length} ${createHash('sha256').update(BLOB).digest('hex')}`);
      // The header's name in any case (HTTP names are case-insensitive) frames the body the same way.
      const mixed = await t.stream({
        method: 'PUT',
        url: new URL(`${base}/up`),
        headers: { 'Content-length': String(BLOB.length) },
        body: Readable.from([BLOB]),
        idleTimeoutMs: 5000,
      });
      expect(Buffer.concat(await mixed.body.toArray()).toString()).toBe(answer);
      for (const bytes of [BLOB.subarray(0, 10), BLOB]) {
        const e = await t
          .stream({
            method: 'PUT',
            url: new URL(`${base}/up`),
            headers: { 'content-length': '100' },
            body: Readable.from([bytes]),
            idleTimeoutMs: 5000,
          })
          .catch((x: unknown) => x);
        expect(e).toBeInstanceOf(TransportError);
      }
      const e = await t
        .stream({
          method: 'PUT',
          url: new URL(`${base}/up`),
          headers: {},
          body: Readable.from([BLOB]),
          idleTimeoutMs: 5000,
        })
        .catch((x: unknown) => x);
      expect((e as TransportError).kind).toBe('other');
    } finally {
      t.close();
    }
  });

  it('fails at once with its own error a body that failed before its connection was ready', async () => {
    // The mirror's meter can refuse a small blob's bytes while the PUT's connection is still opening (seen on
    // Node 24 in CI): the body is destroyed before the exchange listens to it, and no 'error' event is left to hear.
    const t = createWireTransport();
    try {
      const refused = new Error('bytes refused by the meter');
      const body = new Readable({ read() {} });
      body.on('error', () => {}); // the pipeline's own listener, in the copier
      body.destroy(refused);
      await new Promise((r) => setImmediate(r));
      const started = performance.now();
      const e = await failedPut(t, body, 60_000);
      expect(e).toBe(refused);
      // Not the idle timeout's answer: nothing waited for it (a minute here).
      expect(performance.now() - started).toBeLessThan(30_000);
    } finally {
      t.close();
    }
  });

  it('fails a streamed body its source broke off with the source error, and closes the connection', async () => {
    const t = createWireTransport();
    try {
      const broken = new Error('source broke');
      const body = new Readable({
        read() {
          this.push(BLOB.subarray(0, 1000));
          this.destroy(broken);
        },
      });
      const e = await failedPut(t, body, 5000);
      expect(e).toBe(broken);
    } finally {
      t.close();
    }
  });
});
