// A request's head as bytes on the wire, refused before anything is sent when a method, target or header could
// split it: registry-supplied values (Location, token realms, challenges) reach headers and paths, and a CR, LF or
// NUL in one would let a registry smuggle a request or inject a header.

import { TransportError } from './http.js';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// What Node's own client accepts in a header value: tab, visible ASCII, space, obs-text.
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
// A request target (path and query, as a URL serialises them) is visible ASCII only.
const BAD_TARGET = /[^\x21-\x7e]/;
/** Methods that carry no body unless given one (others get an explicit `Content-Length: 0`). */
const BODILESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE']);

function refuse(what: string): TransportError {
  return new TransportError('other', `request refused before sending: ${what}`);
}

/**
 * The head of `method url` with `headers`, and the body's length framing: `bodyLength` is the byte length of a
 * buffered body, or undefined for a streamed one (whose Content-Length the caller must give). Throws a
 * TransportError (nothing sent) on a value that could split the request.
 */
export function requestHead(
  method: string,
  url: URL,
  headers: Record<string, string>,
  bodyLength: number | undefined,
  streamed = false,
): string {
  if (!TOKEN.test(method)) throw refuse(`invalid method "${method.slice(0, 20)}"`);
  const target = `${url.pathname}${url.search}`;
  if (BAD_TARGET.test(target)) throw refuse('the request path holds a control character or space');
  let head = `${method} ${target} HTTP/1.1\r\n`;
  let host = false;
  let length: string | undefined;
  for (const name in headers) {
    const value = headers[name]!;
    if (!TOKEN.test(name)) throw refuse(`invalid header name "${name.slice(0, 40)}"`);
    if (BAD_VALUE.test(value)) throw refuse(`header ${name} holds a control character`);
    const lower = name.toLowerCase();
    if (lower === 'host') host = true;
    else if (lower === 'content-length') length = value;
    else if (lower === 'transfer-encoding' || lower === 'connection')
      throw refuse(`header ${name} is the transport's to set`);
    head += `${name}: ${value}\r\n`;
  }
  if (!host) head = `${head}Host: ${url.host}\r\n`;
  if (streamed) {
    if (length === undefined || !/^\d{1,15}$/.test(length))
      throw refuse('a streamed body needs its Content-Length');
  } else if (bodyLength !== undefined) {
    if (length === undefined) head += `Content-Length: ${bodyLength}\r\n`;
    else if (length !== String(bodyLength))
      throw refuse(`Content-Length ${length} for a body of ${bodyLength} bytes`);
  } else if (length === undefined && !BODILESS.has(method)) {
    head += 'Content-Length: 0\r\n';
  } else if (length !== undefined && length !== '0') {
    throw refuse(`Content-Length ${length} without a body`);
  }
  return `${head}\r\n`;
}
