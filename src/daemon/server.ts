// The daemon's HTTP side: webhooks become queued pushes (when some stream tag imports them), the server listens
// on start and closes on stop.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopbackHost } from '../git/remote.js';
import type { Logger } from '../util/logger.js';
import { createHttpHandler, type WebhookSource } from './http.js';
import { matchPushes, relevantPushes } from './match.js';
import type { Metrics } from './metrics.js';
import type { DaemonOptions } from './options.js';
import type { TriggerQueue } from './queue.js';
import type { RunLoop } from './run-loop.js';
import type { PushedImage } from './webhooks.js';

/** The part of node:http's Server the daemon uses. */
export interface ServerLike {
  listen(port: number, host: string, cb: () => void): unknown;
  close(cb: (err?: Error) => void): unknown;
  address(): AddressInfo | string | null;
  closeIdleConnections?(): void;
  on(event: 'error', cb: (e: Error) => void): unknown;
}

/** Makes a server around a request listener (node:http's createServer in production). */
export type CreateServer = (listener: (req: IncomingMessage, res: ServerResponse) => void) => ServerLike;

/** What the HTTP side is given. */
export interface DaemonServerDeps {
  createServer: CreateServer;
  loop: RunLoop;
  queue: TriggerQueue;
  metrics: Metrics;
  logger: Logger;
}

/** The listening server, as start and stop use it. */
export interface DaemonServer {
  /** Listens; resolves with the bound port. */
  listen(): Promise<number>;
  /** Closes the server (idle keep-alive connections too). */
  close(): Promise<void>;
}

/** Wires webhooks to the queue and the loop. */
export function createDaemonServer(opts: DaemonOptions, deps: DaemonServerDeps): DaemonServer {
  const { loop, queue, logger } = deps;

  /** Webhook entry: accept the pushes that some stream tag imports (at the last loaded commit). */
  function onPush(source: WebhookSource, pushes: PushedImage[]): { matched: string[] } {
    const relevant = relevantPushes(loop.index(), pushes);
    const matched = [...matchPushes(loop.index(), [...relevant.values()])].sort();
    if (matched.length === 0) {
      // Blob and child-manifest events carry no tag: not worth an info line each.
      if (pushes.length)
        logger.info('push ignored: no stream tag imports it', {
          source,
          images: pushes.slice(0, 5).map((p) => `${p.hosts[0]}/${p.path}:${p.tag}`),
          ...(pushes.length > 5 ? { more: pushes.length - 5 } : {}),
        });
      else logger.debug('notification without a tagged push ignored', { source });
      return { matched };
    }
    logger.info('push received', {
      source,
      images: [...relevant.keys()].slice(0, 20),
      tags: matched.slice(0, 20),
      ...(matched.length > 20 ? { moreTags: matched.length - 20 } : {}),
    });
    queue.enqueue(relevant);
    loop.kick();
    return { matched };
  }

  const handler = createHttpHandler({
    onPush,
    ready: loop.ready,
    draining: loop.draining,
    metrics: deps.metrics,
    logger,
    ...(opts.secret ? { secret: opts.secret } : {}),
    get registryHosts() {
      return loop.registryHosts();
    },
  });
  let server: ServerLike | undefined;

  return {
    async listen() {
      const s = deps.createServer(handler);
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.on('error', reject);
        s.listen(opts.port, opts.host, () => resolve());
      });
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : opts.port;
      logger.info('daemon listening', { address: `${opts.host}:${port}` });
      if (!opts.secret && !isLoopbackHost(opts.host)) {
        logger.warn(
          'webhooks are accepted without a secret on a non-loopback address: anyone who reaches it can trigger runs; set --webhook-secret-env',
        );
      }
      return port;
    },
    async close() {
      if (!server) return;
      const s = server;
      await new Promise<void>((r) => {
        s.close(() => r());
        s.closeIdleConnections?.();
      });
    },
  };
}
