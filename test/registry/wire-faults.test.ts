// The registry transport over node:net (issue 17) against hostile and broken servers on 127.0.0.1: every bound
// holds (head, body, chunk), garbage and truncation end in a TransportError (never a hang), a kept-alive connection
// the server closed is retried once for GET/HEAD and never for PUT, stray bytes retire a connection, verified TLS
// refuses a self-signed certificate, and values that could split a request are refused before anything is sent.

import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { selfSignedCert } from '../../scripts/lib/registry.js';
import { TransportError } from '../../src/registry/transport/http.js';
import { createWireTransport } from '../../src/registry/transport/wire.js';
import { startRawServer } from '../helpers/raw-http-server.js';

const get = (url: string, method = 'GET') => ({ method, url: new URL(url), headers: {}, timeoutMs: 5000 });

/** The TransportError kind `p` fails with (or 'ok'). */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!(e instanceof TransportError)) throw e;
    return e.kind;
  }
}

/** Run `fn` against a raw server that answers every request with `bytes` (then ends the socket when `end`). */
async function against(bytes: string | Buffer, fn: (url: string) => Promise<void>, end = false) {
  const raw = await startRawServer((_req, socket) => {
    if (end) socket.end(bytes);
    else socket.write(bytes);
  });
  try {
    await fn(raw.url);
  } finally {
    await raw.close();
  }
}

describe('the wire transport against hostile servers', () => {
  const cases: [string, string | Buffer, string, boolean?][] = [
    ['a head larger than 64 KiB', `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`, 'too-large'],
    [
      'a Content-Length over the body bound',
      'HTTP/1.1 200 OK\r\nContent-Length: 9000000\r\n\r\n',
      'too-large',
    ],
    [
      'chunks over the body bound',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n800001\r\n',
      'too-large',
    ],
    [
      'a chunk-size line of 5,000 bytes',
      `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;${'x'.repeat(5000)}`,
      'too-large',
    ],
    ['a garbage status line', 'SSH-2.0-OpenSSH_9.6\r\n\r\n', 'other'],
    ['bytes before the status line', '\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 'other'],
    ['a status out of range', 'HTTP/1.1 999 What\r\nContent-Length: 0\r\n\r\n', 'other'],
    ['HTTP/2 on the wire', 'HTTP/2 200\r\n\r\n', 'other'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'other'],
    [
      'a chunk without its CRLF',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n',
      'other',
    ],
    ['an invalid Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 'other'],
    [
      'conflicting Content-Lengths',
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
      'other',
    ],
    ['a transfer coding other than chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n', 'other'],
    ['a space before a header colon', 'HTTP/1.1 200 OK\r\nX-A : 1\r\nContent-Length: 0\r\n\r\n', 'other'],
    ['a folded header line', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  2\r\nContent-Length: 0\r\n\r\n', 'other'],
    ['a NUL in a header value', 'HTTP/1.1 200 OK\r\nX-A: 1\x002\r\nContent-Length: 0\r\n\r\n', 'other'],
    ['an unrequested protocol switch', 'HTTP/1.1 101 Switching Protocols\r\n\r\n', 'other'],
    ['a body cut short', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', 'reset', true],
    [
      'a chunked body cut short',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab',
      'reset',
      true,
    ],
    ['a head cut short', 'HTTP/1.1 200 OK\r\nContent-Le', 'reset', true],
    ['no response at all', '', 'reset', true],
  ];
  for (const [name, bytes, kind, end] of cases) {
    it(`fails ${name} as '${kind}'`, async () => {
      await against(
        bytes,
        async (url) => {
          const send = createWireTransport();
          try {
            expect(await outcome(send(get(`${url}/x`)))).toBe(kind);
          } finally {
            send.close();
          }
        },
        end,
      );
    });
  }

  it('keeps header names Object.prototype also has as plain headers, and drops __proto__', async () => {
    await against(
      'HTTP/1.1 200 OK\r\nConstructor: a\r\nconstructor: b\r\n__proto__: c\r\nContent-Length: 0\r\n\r\n',
      async (url) => {
        const send = createWireTransport();
        try {
          const r = await send(get(`${url}/x`));
          expect(r.headers.constructor).toBe('a, b');
          expect(Object.getPrototypeOf(r.headers)).toBe(Object.prototype);
          expect(Object.keys(r.headers).sort()).toEqual(['constructor', 'content-length']);
        } finally {
          send.close();
        }
      },
    );
  });

  it('does not reuse a connection that sent bytes after its response', async () => {
    await against('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n', async (url) => {
      const send = createWireTransport();
      try {
        for (let i = 0; i < 2; i++) expect((await send(get(`${url}/x`))).body.toString()).toBe('ok');
      } finally {
        send.close();
      }
    });
    const raw = await startRawServer((_req, socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      setTimeout(() => socket.write('junk'), 20);
    });
    const send = createWireTransport();
    try {
      await send(get(`${raw.url}/x`));
      await new Promise((r) => setTimeout(r, 100));
      await send(get(`${raw.url}/x`));
      expect(raw.connections()).toBe(2);
    } finally {
      send.close();
      await raw.close();
    }
  });

  it('sends a GET or HEAD again on a new connection when the server closed the kept-alive one, never a PUT', async () => {
    // Each connection answers its first request and drops at its second, as a server closing an idle one does.
    const raw = await startRawServer((req, socket) => {
      if (req.index > 0) return void socket.destroy();
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n${req.method === 'HEAD' ? '' : 'ok'}`);
    });
    const send = createWireTransport({ maxSockets: 1 });
    try {
      await send(get(`${raw.url}/a`));
      expect((await send(get(`${raw.url}/b`))).body.toString()).toBe('ok');
      expect((await send(get(`${raw.url}/c`, 'HEAD'))).status).toBe(200);
      expect(raw.connections()).toBe(3);
      expect(await outcome(send({ ...get(`${raw.url}/d`, 'PUT'), body: 'x' }))).toBe('reset');
      expect(raw.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
    } finally {
      send.close();
      await raw.close();
    }
  });

  it('fails connections refused, and times out a server that never answers', async () => {
    const raw = await startRawServer(() => {});
    const send = createWireTransport();
    try {
      expect(await outcome(send({ ...get(`${raw.url}/hang`), timeoutMs: 100 }))).toBe('timeout');
      const port = raw.port;
      await raw.close();
      expect(await outcome(send(get(`http://127.0.0.1:${port}/gone`)))).toBe('refused');
    } finally {
      send.close();
    }
  });

  it('refuses a self-signed certificate unless the registry is insecure, and names no address in SNI', async () => {
    const cert = selfSignedCert('127.0.0.1');
    const sni: (string | false)[] = [];
    const server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (_req, res) =>
      res.end('tls'),
    );
    server.on('secureConnection', (s) =>
      sni.push((s as unknown as { servername: string | false }).servername),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
    const send = createWireTransport();
    try {
      expect(await outcome(send(get(url)))).toBe('tls');
      const r = await send({ ...get(url), insecureTls: true });
      expect(r.body.toString()).toBe('tls');
      expect(sni.every((n) => !n)).toBe(true);
    } finally {
      send.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('resumes the TLS session of its origin on a new connection, and never across TLS modes', async () => {
    const cert = selfSignedCert('127.0.0.1');
    const reused: boolean[] = [];
    // Connection: close makes every request open a new connection.
    const server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (_req, res) => {
      res.setHeader('connection', 'close');
      res.end('tls');
    });
    server.on('secureConnection', (s) => s.once('data', () => reused.push(s.isSessionReused())));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
    const send = createWireTransport();
    try {
      for (let i = 0; i < 3; i++) expect((await send({ ...get(url), insecureTls: true })).status).toBe(200);
      expect(reused).toEqual([false, true, true]);
      // The verified mode is another origin: it starts from no session (and refuses the certificate).
      expect(await outcome(send(get(url)))).toBe('tls');
    } finally {
      send.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses header names, values and methods that could split the request, sending nothing', async () => {
    const raw = await startRawServer((_req, socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    });
    const send = createWireTransport();
    try {
      const bad: { headers?: Record<string, string>; method?: string }[] = [
        { headers: { authorization: 'Bearer x\r\nX-Injected: 1' } },
        { headers: { 'x-a': 'a\nb' } },
        { headers: { 'x-a': 'a\0b' } },
        { headers: { 'x a': '1' } },
        { headers: { 'x-a:\r\n': '1' } },
        { method: 'GET /x HTTP/1.1\r\nX: y' },
        { method: 'G\0T' },
        { headers: { 'transfer-encoding': 'chunked' } },
        { headers: { 'content-length': '5' } },
      ];
      for (const b of bad) expect(await outcome(send({ ...get(`${raw.url}/x`), ...b }))).toBe('other');
      expect(raw.connections()).toBe(0);
      expect(await outcome(send(get(`${raw.url}/ok`)))).toBe('ok');
    } finally {
      send.close();
      await raw.close();
    }
  });

  it('fails requests in flight when closed, without sending them again', async () => {
    const raw = await startRawServer((req, socket) => {
      if (req.index === 0) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    });
    const send = createWireTransport({ maxSockets: 1 });
    try {
      await send(get(`${raw.url}/a`));
      const pending = outcome(send(get(`${raw.url}/never`)));
      while (raw.requests.length < 2) await new Promise((r) => setImmediate(r));
      send.close();
      expect(await pending).toBe('reset');
      expect(raw.requests.map((r) => r.path)).toEqual(['/a', '/never']);
    } finally {
      await raw.close();
    }
  });

  it('keeps idle connections from holding the process open, and closes them after the idle timeout', async () => {
    let release = () => {};
    const raw = await startRawServer(async (req, socket) => {
      if (req.path === '/hold') await new Promise<void>((r) => (release = r));
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    });
    // Our sockets to the server that keep the event loop alive (node lists only referenced handles).
    const held = () =>
      (process as unknown as { _getActiveHandles(): unknown[] })
        ._getActiveHandles()
        .filter((h) => h instanceof net.Socket && h.remotePort === raw.port).length;
    const send = createWireTransport({ idleMs: 50 });
    try {
      const inFlight = send(get(`${raw.url}/hold`));
      while (raw.requests.length < 1) await new Promise((r) => setImmediate(r));
      expect(held()).toBe(1);
      release();
      await inFlight;
      expect(held()).toBe(0);
      while (raw.open() > 0) await new Promise((r) => setTimeout(r, 10));
      expect(raw.connections()).toBe(1);
    } finally {
      send.close();
      await raw.close();
    }
  });
});
