// Properties of the registry transport's response parser (issue 17; invariant 2, nothing from a registry is
// trusted): any valid response — random status, headers and body, framed by Content-Length, chunks of random sizes
// with extensions and trailers, or the connection's end — split into random pieces parses to exactly its status,
// headers and body; and any bytes at all, split anyhow, end in a parse or a TransportError, never another exception.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResponseParser } from '../../src/registry/transport/h1-parser.js';
import { TransportError } from '../../src/registry/transport/http.js';
import { check } from '../helpers/property.js';

const LIMITS = { maxHeadBytes: 64 * 1024, maxBodyBytes: 8 * 1024 * 1024 };
const TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".split('');
const name = fc
  .array(fc.constantFrom(...TCHAR), { minLength: 1, maxLength: 12 })
  .map((c) => `x-${c.join('')}`);
// Visible characters and inner spaces (the value's own surrounding whitespace is not part of it).
const value = fc
  .string({ unit: fc.constantFrom(...'abc XYZ019/;=,"\t:-'.split('')), maxLength: 30 })
  .map((s) => s.replace(/^[ \t]+|[ \t]+$/g, ''));
const framing = fc.constantFrom('length', 'chunked', 'close');

/** Cut `b` at the given fractions into pieces (some empty). */
function pieces(b: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * (b.length + 1))))].sort((x, y) => x - y);
  const out: Buffer[] = [];
  let prev = 0;
  for (const a of at) {
    out.push(b.subarray(prev, a));
    prev = a;
  }
  out.push(b.subarray(prev));
  return out;
}

function chunkedBody(body: Buffer, sizes: number[], ext: boolean, trailers: [string, string][]): string {
  let out = '';
  let off = 0;
  for (let i = 0; off < body.length; i++) {
    const n = Math.min(sizes[i % sizes.length]!, body.length - off);
    out += `${n.toString(16)}${ext ? ';a=b;c' : ''}\r\n${body.subarray(off, off + n).toString('latin1')}\r\n`;
    off += n;
  }
  return `${out}0\r\n${trailers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

function parse(parts: Buffer[], head = false) {
  let status = 0;
  let headers: Record<string, string | undefined> = {};
  const body: Buffer[] = [];
  const p = new ResponseParser(head, LIMITS, {
    head: (h) => {
      status = h.status;
      headers = { ...h.headers };
    },
    data: (b) => body.push(Buffer.from(b)),
  });
  for (const part of parts) p.feed(part);
  const doneBeforeEnd = p.done;
  p.end();
  return { status, headers, body: Buffer.concat(body), doneBeforeEnd, reusable: p.reusable };
}

describe('the response parser', () => {
  it('parses any valid response split anywhere to its status, headers and body', async () => {
    await check(
      fc.property(
        fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304),
        fc.array(fc.tuple(name, value), { maxLength: 8 }),
        fc.uint8Array({ maxLength: 3000 }),
        framing,
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.array(fc.tuple(name, value), { maxLength: 2 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }),
        (status, hs, bodyBytes, frame, sizes, ext, trailers, cuts) => {
          const body = Buffer.from(bodyBytes);
          const expected: Record<string, string> = {};
          let head = `HTTP/1.1 ${status} Some Reason\r\n`;
          for (const [k, v] of hs) {
            head += `${k}:${v.length % 2 ? ' ' : ''}${v}\r\n`;
            const l = k.toLowerCase();
            expected[l] = expected[l] === undefined ? v : `${expected[l]}, ${v}`;
          }
          const framingHeader =
            frame === 'length'
              ? ['content-length', String(body.length)]
              : frame === 'chunked'
                ? ['transfer-encoding', 'chunked']
                : undefined;
          if (framingHeader) {
            head += `${framingHeader[0]}: ${framingHeader[1]}\r\n`;
            expected[framingHeader[0]!] = framingHeader[1]!;
          }
          const rest =
            frame === 'chunked' ? chunkedBody(body, sizes, ext, trailers) : body.toString('latin1');
          const wire = Buffer.from(`${head}\r\n${rest}`, 'latin1');
          const got = parse(pieces(wire, cuts));
          expect(got.status).toBe(status);
          expect(got.headers).toEqual(expected);
          expect(got.body.equals(body)).toBe(true);
          expect(got.doneBeforeEnd).toBe(frame !== 'close');
          expect(got.reusable).toBe(frame !== 'close');
        },
      ),
      300,
    );
  });

  it('ends any bytes, split anyhow, in a parse or a TransportError', async () => {
    const valid =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3;x\r\nabc\r\n0\r\nT: 1\r\n\r\n';
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
      // Valid responses with bytes changed, inserted or cut: closer to the parser's edges than noise.
      fc
        .tuple(
          fc.array(
            fc.tuple(
              fc.nat(valid.length),
              fc.integer({ min: 0, max: 255 }),
              fc.constantFrom('set', 'insert', 'cut'),
            ),
            { maxLength: 4 },
          ),
          fc.boolean(),
        )
        .map(([edits, head]) => {
          let b = Buffer.from(head ? valid.replace('200 OK', '204 No Content') : valid, 'latin1');
          for (const [at, byte, kind] of edits) {
            const i = Math.min(at, b.length);
            if (kind === 'set' && i < b.length) b[i] = byte;
            else if (kind === 'insert')
              b = Buffer.concat([b.subarray(0, i), Buffer.from([byte]), b.subarray(i)]);
            else b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]);
          }
          return b;
        }),
    );
    await check(
      fc.property(
        bytes,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }),
        fc.boolean(),
        (b, cuts, head) => {
          try {
            parse(pieces(b, cuts), head);
          } catch (e) {
            if (!(e instanceof TransportError)) throw e;
          }
        },
      ),
      500,
    );
  });
});
