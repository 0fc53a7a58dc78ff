// The registry transport over node:net (issue 17) against real servers on 127.0.0.1: node:http for well-behaved
// exchanges (keep-alive reuse, Connection: close, 204/304), a raw TCP server for what node:http never sends
// (chunk extensions and trailers, bytes split one by one, HTTP/1.0, 100 Continue).

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWireTransport } from '../../src/registry/transport/wire.js';
import { type RawServer, startRawServer } from '../helpers/raw-http-server.js';

let server: http.Server;
let base: string;
let accepted = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/close') res.setHeader('connection', 'close');
    if (req.url === '/204') return void res.writeHead(204).end();
    if (req.url === '/304') return void res.writeHead(304, { etag: '"x"' }).end();
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const text = `${req.method} ${req.url} ${body}`;
      res.writeHead(200, {
        'content-type': 'text/plain',
        'x-dup': ['a', 'b'],
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    });
  });
  server.on('connection', () => accepted++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const get = (url: string, method = 'GET') => ({ method, url: new URL(url), headers: {}, timeoutMs: 5000 });

/** A raw server answering every request with `bytes`, written in pieces of `piece` bytes (0: all at once). */
async function answering(bytes: string, piece = 0): Promise<RawServer> {
  return startRawServer(async (_req, socket) => {
    const b = Buffer.from(bytes, 'latin1');
    if (!piece) return void socket.write(b);
    for (let i = 0; i < b.length; i += piece) {
      socket.write(b.subarray(i, i + piece));
      await new Promise((r) => setImmediate(r));
    }
  });
}

describe('the wire transport against node:http', () => {
  it('reuses kept-alive connections: sequential requests on one, concurrent ones on at most maxSockets', async () => {
    const send = createWireTransport({ maxSockets: 2 });
    try {
      const before = accepted;
      for (let i = 0; i < 5; i++)
        expect((await send(get(`${base}/seq/${i}`))).body.toString()).toBe(`GET /seq/${i} `);
      expect(accepted - before).toBe(1);
      const all = await Promise.all(Array.from({ length: 10 }, (_, i) => send(get(`${base}/par/${i}`))));
      expect(all.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(accepted - before).toBeLessThanOrEqual(2);
      const r = all[0]!;
      expect(r.headers['content-type']).toBe('text/plain');
      expect(r.headers['x-dup']).toBe('a, b');
      expect(r.headers['content-length']).toBe(String(r.body.length));
    } finally {
      send.close();
    }
  });

  it('sends bodies with their Content-Length, and body-less PUTs with Content-Length 0', async () => {
    const send = createWireTransport();
    try {
      const put = await send({ ...get(`${base}/put`, 'PUT'), body: Buffer.from('héllo') });
      expect(put.body.toString()).toBe('PUT /put héllo');
      expect((await send({ ...get(`${base}/s`, 'POST'), body: 'x=1' })).body.toString()).toBe('POST /s x=1');
      expect((await send(get(`${base}/empty`, 'PUT'))).body.toString()).toBe('PUT /empty ');
    } finally {
      send.close();
    }
  });

  it('opens a new connection after Connection: close', async () => {
    const send = createWireTransport();
    try {
      const before = accepted;
      await send(get(`${base}/close`));
      await send(get(`${base}/close`));
      expect(accepted - before).toBe(2);
    } finally {
      send.close();
    }
  });

  it('reads no body for HEAD, 204 and 304, and keeps the connection', async () => {
    const send = createWireTransport();
    try {
      const before = accepted;
      const head = await send(get(`${base}/h`, 'HEAD'));
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
      expect((await send(get(`${base}/204`))).status).toBe(204);
      const nm = await send(get(`${base}/304`));
      expect([nm.status, nm.headers.etag, nm.body.length]).toEqual([304, '"x"', 0]);
      expect((await send(get(`${base}/after`))).body.toString()).toBe('GET /after ');
      expect(accepted - before).toBe(1);
    } finally {
      send.close();
    }
  });

  it('drops a kept-alive connection the server closed while idle, and answers the next request on a new one', async () => {
    const short = http.createServer((_req, res) => res.end('ok'));
    short.keepAliveTimeout = 30;
    let open = 0;
    let opened = 0;
    short.on('connection', (s) => {
      open++;
      opened++;
      s.on('close', () => open--);
    });
    await new Promise<void>((r) => short.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(short.address() as AddressInfo).port}/x`;
    const send = createWireTransport();
    try {
      expect((await send(get(url))).body.toString()).toBe('ok');
      while (open > 0) await new Promise((r) => setTimeout(r, 10));
      expect((await send(get(url))).body.toString()).toBe('ok');
      expect(opened).toBe(2);
    } finally {
      send.close();
      short.closeAllConnections();
      await new Promise((r) => short.close(r));
    }
  });
});

describe('the wire transport against a raw server', () => {
  const chunked =
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n' +
    '5;name=value;other\r\nhello\r\n1 \r\n,\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\nX-More: m\r\n\r\n';

  for (const piece of [0, 1, 7]) {
    it(`reads chunked bodies with extensions and trailers${piece ? `, sent ${piece} byte(s) at a time` : ''}, and reuses the connection`, async () => {
      const raw = await answering(chunked, piece);
      const send = createWireTransport();
      try {
        for (let i = 0; i < 2; i++) {
          const r = await send(get(`${raw.url}/c`));
          expect([r.status, r.headers['x-a'], r.body.toString()]).toEqual([200, '1', 'hello, world']);
          expect(r.headers['x-trailer']).toBeUndefined();
        }
        expect(raw.connections()).toBe(1);
      } finally {
        send.close();
        await raw.close();
      }
    });
  }

  it('sends the Host header with a non-default port, and header values as latin1 bytes (as node:http does)', async () => {
    const raw = await answering('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    const send = createWireTransport();
    try {
      await send({ ...get(`${raw.url}/a?b=c`), headers: { 'x-name': 'caf\u00e9' } });
      expect(raw.requests[0]).toMatchObject({
        path: '/a?b=c',
        headers: { host: `127.0.0.1:${raw.port}`, 'x-name': 'caf\u00e9' },
      });
    } finally {
      send.close();
      await raw.close();
    }
  });

  it('reads an HTTP/1.0 response and does not reuse its connection', async () => {
    const raw = await answering('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok');
    const send = createWireTransport();
    try {
      for (let i = 0; i < 2; i++) expect((await send(get(`${raw.url}/a`))).body.toString()).toBe('ok');
      expect(raw.connections()).toBe(2);
    } finally {
      send.close();
      await raw.close();
    }
  });

  it('reuses an HTTP/1.0 connection that says keep-alive', async () => {
    const raw = await answering('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok');
    const send = createWireTransport();
    try {
      for (let i = 0; i < 3; i++) expect((await send(get(`${raw.url}/a`))).body.toString()).toBe('ok');
      expect(raw.connections()).toBe(1);
    } finally {
      send.close();
      await raw.close();
    }
  });

  it('reads a body delimited by the connection closing', async () => {
    const raw = await startRawServer((_req, socket) => {
      socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end');
    });
    const send = createWireTransport();
    try {
      for (let i = 0; i < 2; i++)
        expect((await send(get(`${raw.url}/a`))).body.toString()).toBe('until the end');
      expect(raw.connections()).toBe(2);
    } finally {
      send.close();
      await raw.close();
    }
  });

  it('skips 100 Continue and other interim responses', async () => {
    const raw = await answering(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone',
      3,
    );
    const send = createWireTransport();
    try {
      const r = await send({ ...get(`${raw.url}/u`, 'PUT'), body: 'data' });
      expect([r.status, r.body.toString(), r.headers.link]).toEqual([201, 'done', undefined]);
    } finally {
      send.close();
      await raw.close();
    }
  });
});
