// How one exchange (buffered or streamed, wire.ts) reads its connection: bytes go to the response parser, and a close
// either sends a GET/HEAD again on a new connection (the server closed a kept-alive one before answering: the
// idle-close race), fails the exchange, or completes a response that ends with the connection.

import type { ResponseParser } from './h1-parser.js';
import { classify } from './http.js';
import type { Conn, ConnUser } from './pool.js';

/** Whether a request may be sent again when its kept-alive connection closed before any response byte. */
const idempotent = (method: string) => method === 'GET' || method === 'HEAD';

/** Whether `c` closed under a request that may go again on a new connection (the idle-close race). */
const retriable = (c: Conn, p: ResponseParser, method: string, hasBody: boolean) =>
  !p.started && c.uses > 0 && !c.retired && !hasBody && idempotent(method);

/** How one exchange ends on its connection: with an error, complete, or sent again on a new connection. */
export interface ExchangeEnd {
  /** Already ended (failed or complete): the connection's later events are nobody's. */
  ended(): boolean;
  fail(e: unknown): void;
  /** Called after every piece of bytes and at the close: completes the exchange once the parser is done. */
  complete(): void;
  /** Send again on a new connection, once; false when it already was. */
  retry(): boolean;
}

/**
 * The connection's events for one exchange, the same for buffered and streamed ones: bytes go to the parser; a close
 * sends a GET/HEAD again when the server closed a kept-alive connection before answering, else fails the exchange
 * or completes a response that ends with the connection.
 */
export function exchangeUser(
  c: Conn,
  parser: ResponseParser,
  method: string,
  hasBody: boolean,
  end: ExchangeEnd,
): ConnUser {
  return {
    data(b) {
      try {
        parser.feed(b);
      } catch (e) {
        return end.fail(e);
      }
      end.complete();
    },
    closed(err) {
      if (end.ended()) return;
      if (retriable(c, parser, method, hasBody) && end.retry()) return;
      if (err) return end.fail(classify(err));
      try {
        parser.end();
      } catch (e) {
        return end.fail(e);
      }
      end.complete();
    },
  };
}
