// A raw TCP server on 127.0.0.1 that reads HTTP/1.1 requests (head and Content-Length body) and lets a test answer
// with any bytes at all — well-formed, split, truncated or garbage — to test the registry transport's parser and
// connection handling against what node:http would never send. Connections and requests are counted.

import net from 'node:net';

/** One request as the raw server read it. */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Requests read on this connection before this one. */
  index: number;
  /** The connection's number (0-based, in accept order). */
  conn: number;
}

/** A running raw server. */
export interface RawServer {
  url: string;
  port: number;
  requests: RawRequest[];
  /** Connections accepted so far. */
  connections(): number;
  /** Connections open now. */
  open(): number;
  close(): Promise<void>;
}

/** Start a raw server; `answer` writes (or does not write) the response to each request on its socket. */
export async function startRawServer(
  answer: (req: RawRequest, socket: net.Socket) => void | Promise<void>,
): Promise<RawServer> {
  const requests: RawRequest[] = [];
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    const conn = accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.setNoDelay(true);
    let buf = Buffer.alloc(0);
    let index = 0;
    let queue = Promise.resolve();
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
        const headers: Record<string, string> = {};
        for (const l of lines.slice(1)) {
          const c = l.indexOf(':');
          headers[l.slice(0, c).toLowerCase()] = l.slice(c + 1).trim();
        }
        const length = Number(headers['content-length'] ?? 0);
        if (buf.length < end + 4 + length) return;
        const [method = '', path = ''] = lines[0]!.split(' ');
        const req: RawRequest = {
          method,
          path,
          headers,
          body: buf.subarray(end + 4, end + 4 + length),
          index: index++,
          conn,
        };
        buf = buf.subarray(end + 4 + length);
        requests.push(req);
        queue = queue.then(() => answer(req, socket));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => accepted,
    open: () => sockets.size,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
