// Kept-alive connections per origin (scheme, host, port and TLS mode): at most `maxSockets` each, requests beyond
// that waiting first come first served, idle connections unreferenced (they never keep the process alive) and
// closed after `idleMs` or as soon as the server closes them.

import { createRequire } from 'node:module';
import net from 'node:net';
import type * as Tls from 'node:tls';
import { classify, TransportError } from './http.js';

/** What a connection is doing for its current exchange: it receives the connection's bytes and its end. */
export interface ConnUser {
  data(b: Buffer): void;
  /** The connection closed (`err`: why, when it broke). */
  closed(err: Error | undefined): void;
  /** The socket's write buffer drained. */
  drain?(): void;
  /** The socket saw no traffic for its timeout. */
  timeout?(): void;
}

/** One connection of the pool. */
export interface Conn {
  readonly socket: net.Socket;
  readonly origin: Origin;
  /** Responses completed on it: 0 for a connection never used before. */
  uses: number;
  idleSince: number;
  user: ConnUser | undefined;
  dead: boolean;
  /** Closed by `close()`: what it carried fails, and is not sent again. */
  retired: boolean;
}

/** One origin's connections. */
export interface Origin {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly insecure: boolean;
  readonly idle: Conn[];
  /** Every open connection, idle or busy. */
  readonly all: Set<Conn>;
  count: number;
  readonly waiters: { resolve(c: Conn): void; reject(e: Error): void; timeoutMs: number }[];
  /**
   * The last TLS session the server gave this origin: new connections resume it (no certificate chain to verify
   * again). Kept per origin and TLS mode, so a session of an unverified connection never serves a verified one.
   */
  session?: Buffer;
}

/** The pool's operations, for the exchanges on top. */
export interface Pool {
  readonly maxSockets: number;
  origin(url: URL, insecure: boolean): Origin;
  /** The most recently used idle connection of `o`, taken, or undefined. */
  takeIdle(o: Origin): Conn | undefined;
  /** A connection of `o`: an idle one (unless `fresh`), a new one, or the next one released. */
  acquire(o: Origin, timeoutMs: number, fresh: boolean): Promise<Conn>;
  /** Give `c` back after its exchange: kept for the next request when `reusable`, else closed. */
  release(c: Conn, reusable: boolean): void;
  /** Close every connection; waiting requests fail. */
  close(): void;
}

// node:tls loads on the first TLS connection: a run against plain-HTTP registries (loopback) never pays for it
// (about 3 ms of start-up).
const builtin = createRequire(import.meta.url);
let tlsModule: typeof Tls | undefined;
const tls = (): typeof Tls => {
  tlsModule ??= builtin('node:tls') as typeof Tls;
  return tlsModule;
};

/** Open a connection to `o`; `closed` runs once it has closed (its slot is free again). */
function connect(o: Origin, timeoutMs: number, closed: (o: Origin) => void): Promise<Conn> {
  o.count++;
  return new Promise((resolve, reject) => {
    const socket = o.tls
      ? tls().connect({
          host: o.host,
          port: o.port,
          // SNI names a host, never an address.
          ...(net.isIP(o.host) ? {} : { servername: o.host }),
          rejectUnauthorized: !o.insecure,
          ALPNProtocols: ['http/1.1'],
          ...(o.session ? { session: o.session } : {}),
        })
      : net.connect({ host: o.host, port: o.port });
    const c: Conn = {
      socket,
      origin: o,
      uses: 0,
      idleSince: 0,
      user: undefined,
      dead: false,
      retired: false,
    };
    o.all.add(c);
    let connected = false;
    let err: Error | undefined;
    socket.setNoDelay(true);
    socket.setTimeout(timeoutMs);
    if (o.tls)
      socket.on('session', (session: Buffer) => {
        o.session = session;
      });
    socket.once(o.tls ? 'secureConnect' : 'connect', () => {
      connected = true;
      socket.setTimeout(0);
      resolve(c);
    });
    socket.on('data', (b: Buffer) => {
      // Bytes nobody asked for (an idle connection): the server is not speaking HTTP to us any more.
      if (c.user) c.user.data(b);
      else socket.destroy();
    });
    socket.on('drain', () => c.user?.drain?.());
    socket.on('timeout', () => {
      if (!connected) socket.destroy(new TransportError('timeout', `no connection within ${timeoutMs} ms`));
      else if (c.user?.timeout) c.user.timeout();
    });
    socket.on('error', (e) => {
      err = e;
    });
    socket.on('close', () => {
      c.dead = true;
      o.count--;
      o.all.delete(c);
      const i = o.idle.indexOf(c);
      if (i >= 0) o.idle.splice(i, 1);
      const user = c.user;
      c.user = undefined;
      if (!connected)
        reject(classify(err ?? Object.assign(new Error('connection closed'), { code: 'ECONNRESET' })));
      else user?.closed(err);
      closed(o);
    });
  });
}

/**
 * The next connection of `o` released or opened for this request, or a timeout after `timeoutMs`: a request queued
 * behind busy connections (a streamed blob whose reader stopped reading) waits no longer than it would for bytes.
 */
function waitForConnection(o: Origin, timeoutMs: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const waiter = {
      resolve: (c: Conn) => {
        clearTimeout(timer);
        resolve(c);
      },
      reject: (e: Error) => {
        clearTimeout(timer);
        reject(e);
      },
      timeoutMs,
    };
    const timer = setTimeout(() => {
      // Once taken from the queue (a connection opening for it), the request is served: the connection's own timeout
      // bounds that, and rejecting here would strand the connection it gets.
      const i = o.waiters.indexOf(waiter);
      if (i < 0) return;
      o.waiters.splice(i, 1);
      reject(
        new TransportError(
          'timeout',
          `no connection to ${o.host}:${o.port} came free within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    o.waiters.push(waiter);
  });
}

/**
 * A connection pool with at most `maxSockets` connections per origin, idle ones closed after `idleMs`.
 * Long: its operations share the origins map and the idle sweeper; each of them is short.
 */
export function createPool(maxSockets: number, idleMs: number): Pool {
  const origins = new Map<string, Origin>();
  let sweeper: NodeJS.Timeout | undefined;

  const sweep = () => {
    const now = performance.now();
    let any = false;
    for (const o of origins.values())
      for (const c of o.idle.slice()) {
        if (now - c.idleSince >= idleMs) c.socket.destroy();
        else any = true;
      }
    if (!any) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };

  /** Open connections for waiting requests while the origin has room. */
  function pump(o: Origin) {
    while (o.waiters.length > 0 && o.count < maxSockets) {
      const w = o.waiters.shift()!;
      connect(o, w.timeoutMs, pump).then(w.resolve, w.reject);
    }
  }

  const takeIdle = (o: Origin): Conn | undefined => {
    while (o.idle.length > 0) {
      const c = o.idle.pop()!;
      if (c.dead) continue;
      // The server's FIN arrived and our side is closing: never write to it.
      if (!c.socket.writable) {
        c.socket.destroy();
        continue;
      }
      c.socket.ref();
      return c;
    }
    return undefined;
  };

  return {
    maxSockets,
    origin(url, insecure) {
      const tlsOn = url.protocol === 'https:';
      const key = `${tlsOn ? (insecure ? 'i' : 's') : 'p'}${url.host}`;
      let o = origins.get(key);
      if (!o) {
        const h = url.hostname;
        o = {
          host: h.startsWith('[') ? h.slice(1, -1) : h,
          port: url.port ? Number(url.port) : tlsOn ? 443 : 80,
          tls: tlsOn,
          insecure,
          idle: [],
          all: new Set(),
          count: 0,
          waiters: [],
        };
        origins.set(key, o);
      }
      return o;
    },
    takeIdle,
    acquire(o, timeoutMs, fresh) {
      const c = fresh ? undefined : takeIdle(o);
      if (c) return Promise.resolve(c);
      if (o.count < maxSockets) return connect(o, timeoutMs, pump);
      return waitForConnection(o, timeoutMs);
    },
    release(c, reusable) {
      c.user = undefined;
      if (!reusable || c.dead) {
        c.socket.destroy();
        return;
      }
      c.uses++;
      const w = c.origin.waiters.shift();
      if (w) return w.resolve(c);
      c.idleSince = performance.now();
      c.socket.unref();
      c.origin.idle.push(c);
      if (!sweeper) {
        sweeper = setInterval(sweep, Math.max(10, Math.min(idleMs, 5000)));
        sweeper.unref();
      }
    },
    close() {
      clearInterval(sweeper);
      sweeper = undefined;
      for (const o of origins.values()) {
        for (const w of o.waiters.splice(0)) w.reject(new TransportError('reset', 'transport closed'));
        for (const c of o.all) {
          c.retired = true;
          c.socket.destroy();
        }
      }
      origins.clear();
    },
  };
}
