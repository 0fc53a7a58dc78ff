// A fault-injecting HTTP proxy in front of the real registry: per request, a rule may answer directly, reset the
// connection, cut the answer off mid-body, delay, hold until released, or rewrite the upstream answer's headers or
// body. Every request is recorded, and so is every TCP connection clients open to it (how many, the most at once).

import http from 'node:http';

/** The request as the rule sees it; `n` counts requests matching the same method+path so far (1-based). */
export interface ProxiedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  n: number;
}

/** What to do with one request (undefined: forward unchanged). */
export type Fault =
  | { kind: 'respond'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'reset' }
  /** Forward, but send only the upstream answer's head and half its body, then drop the connection. */
  | { kind: 'cut' }
  | { kind: 'delay'; ms: number }
  /** Forward only once `until` settles: the test, not a clock, decides when the answer arrives. */
  | { kind: 'hold'; until: Promise<unknown> }
  | {
      kind: 'rewrite';
      headers?: (h: Record<string, string>) => Record<string, string>;
      body?: (b: Buffer) => Buffer;
    };

export interface FaultProxy {
  host: string;
  url: string;
  requests: ProxiedRequest[];
  /** TCP connections accepted since the start (or the last `setRule`), and the most open at once. */
  connections(): { opened: number; peak: number };
  setRule(rule: (r: ProxiedRequest) => Fault | undefined): void;
  close(): Promise<void>;
}

/**
 * Start the proxy on 127.0.0.1 (free port) forwarding to `upstream` (e.g. `http://127.0.0.1:5000`). With
 * `keepHost` the client's Host header goes upstream unchanged, so the registry's Location URLs (upload sessions)
 * name the proxy and the client's requests to them are counted too.
 */
export async function startFaultProxy(
  upstream: string,
  opts: { keepHost?: boolean } = {},
): Promise<FaultProxy> {
  const up = new URL(upstream);
  let rule: (r: ProxiedRequest) => Fault | undefined = () => undefined;
  const counts = new Map<string, number>();
  const requests: ProxiedRequest[] = [];
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const key = `${method} ${path}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    const pr: ProxiedRequest = { method, path, headers: req.headers, n };
    requests.push(pr);
    const fault = rule(pr);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (fault?.kind === 'respond') {
        res.writeHead(fault.status, fault.headers ?? {});
        res.end(fault.body ?? '');
        return;
      }
      if (fault?.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      const forward = () => {
        const headers = opts.keepHost ? req.headers : { ...req.headers, host: up.host };
        const preq = http.request(
          { host: up.hostname, port: up.port, method, path, headers, agent },
          (pres) => {
            const body: Buffer[] = [];
            pres.on('data', (c: Buffer) => body.push(c));
            pres.on('end', () => {
              let h: Record<string, string> = {};
              for (const [k, v] of Object.entries(pres.headers)) {
                if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
              }
              let b: Buffer = Buffer.concat(body);
              if (fault?.kind === 'rewrite') {
                // Body first, so a headers rewrite may depend on what the body rewrite found (a Link header).
                if (fault.body) b = fault.body(b);
                if (fault.headers) h = fault.headers(h);
              }
              if (method !== 'HEAD') h['content-length'] = String(b.length);
              delete h['transfer-encoding'];
              res.writeHead(pres.statusCode ?? 502, h);
              if (fault?.kind === 'cut') {
                res.write(b.subarray(0, b.length >> 1), () => req.socket.destroy());
                return;
              }
              res.end(method === 'HEAD' ? undefined : b);
            });
          },
        );
        preq.on('error', () => res.destroy());
        preq.end(Buffer.concat(chunks));
      };
      if (fault?.kind === 'delay') setTimeout(forward, fault.ms);
      else if (fault?.kind === 'hold') fault.until.then(forward, forward);
      else forward();
    });
  });
  const conns = { opened: 0, open: 0, peak: 0 };
  server.on('connection', (socket) => {
    conns.opened++;
    conns.peak = Math.max(conns.peak, ++conns.open);
    socket.on('close', () => conns.open--);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => ({ opened: conns.opened, peak: conns.peak }),
    setRule(r) {
      rule = r;
      counts.clear();
      requests.length = 0;
      conns.opened = 0;
      conns.peak = conns.open;
    },
    close: () =>
      new Promise((r) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
