import { describe, expect, it } from 'vitest';
import { markerConsumers } from '../../src/consumers/marker.js';

const opts = { defaultNamespace: 'default' };
const one = (text: string) => markerConsumers('f', text, opts);

describe('markers', () => {
  it.each([
    ['FROM --platform=$BUILDPLATFORM golang:1.22 AS build', 'golang:1.22', 'FROM stage build'],
    ['from node:20', 'node:20', 'FROM stage 0'],
    ['ARG BASE=python:3.12', 'python:3.12', 'key BASE'],
    ['image: "python:3.12"', 'python:3.12', 'key image'],
    ['- python:3.12', 'python:3.12', 'list item'],
    ['python:3.12', 'python:3.12', 'value'],
    ['IMAGE = python:3.12', 'python:3.12', 'key IMAGE'],
  ])('a marker above %j governs %s', (line, value, target) => {
    const r = one(`# imagestream: python:3.12\n${line}\n`);
    expect(r.errors).toEqual([]);
    expect(r.consumers).toMatchObject([{ line: 2, current: value, target }]);
  });

  it('takes a namespace from the marker and the default otherwise', () => {
    const r = one(
      'a: python:3.12 # imagestream: team/python:3.12\nb: python:3.12 # imagestream: python:3.12\n',
    );
    expect(r.consumers.map((c) => c.follows.namespace)).toEqual(['team', 'default']);
  });

  it('skips blank lines between a standalone marker and its line, and keeps CRLF intact', () => {
    const text = '# imagestream: python:3.12\r\n\r\nFROM python:3.12\r\n';
    const [c] = one(text).consumers;
    expect(c?.line).toBe(3);
    expect(text.slice(c!.slot!.start, c!.slot!.end)).toBe('python:3.12');
  });

  it.each([
    ['FROM python:3.12 # imagestream: python:3.12', 'on the line above the FROM'],
    ['# imagestream: python\nFROM python', 'has no tag'],
    ['# imagestream: python:3.12\n# another comment\nFROM python', 'no value line follows'],
    ['# imagestream: python:3.12', 'no value line follows'],
    ['image: $IMG # imagestream: python:3.12', 'not an image reference'],
    ['run python:3.12 --rm # imagestream: python:3.12', 'cannot tell which value'],
  ])('%j is an error naming the fix', (text, message) => {
    const r = one(text);
    expect(r.consumers).toEqual([]);
    expect(r.errors[0]?.message).toContain(message);
  });

  it('ignores the needle outside a comment', () => {
    expect(one('x: "imagestream: python:3.12"\n')).toEqual({ consumers: [], errors: [] });
  });
});
