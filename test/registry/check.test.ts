import { describe, expect, it } from 'vitest';
import type { ImagestreamsError } from '../../src/model/errors.js';
import { checkResponse, responseError } from '../../src/registry/check.js';
import type { PolicyResponse } from '../../src/registry/transport/requester.js';

const ctx = { registry: 'registry.example.com', reference: 'registry.example.com/app:1' };
const subject = { ctx, what: 'GET manifest 1', unauthorized: (s: 401 | 403) => `refused (HTTP ${s})` };

function answer(status: number, body = '', headers: Record<string, string> = {}): PolicyResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(body),
    url: new URL('https://user:pw@registry.example.com/v2/app/manifests/1?token=secret'),
  };
}

const ociBody = (...codes: string[]) =>
  JSON.stringify({ errors: codes.map((code) => ({ code, message: 'm' })) });

describe('checkResponse: one place turns a status and an OCI error body into a typed registry error', () => {
  it('passes the expected statuses', async () => {
    await expect(checkResponse(answer(200), subject)).resolves.toBeUndefined();
    await expect(checkResponse(answer(405), subject, [200, 405])).resolves.toBeUndefined();
  });

  it.each([
    [401, ociBody('UNAUTHORIZED'), 'UNAUTHORIZED', true],
    [403, ociBody('DENIED'), 'UNAUTHORIZED', true],
    [404, ociBody('MANIFEST_UNKNOWN'), 'MANIFEST_UNKNOWN', true],
    [404, ociBody('NAME_UNKNOWN', 'MANIFEST_UNKNOWN'), 'MANIFEST_UNKNOWN', true],
    [429, ociBody('TOOMANYREQUESTS'), 'RATE_LIMITED', false],
    [503, '<html>busy</html>', 'REGISTRY_UNAVAILABLE', false],
    [400, ociBody('MANIFEST_INVALID'), 'BAD_RESPONSE', false],
  ])('HTTP %i %s → %s', async (status, body, code, permanent) => {
    const e = (await checkResponse(answer(status, body), subject).catch(
      (x: unknown) => x,
    )) as ImagestreamsError;
    expect(e.code).toBe(code);
    expect(e.permanent).toBe(permanent);
    expect(e.data.status).toBe(status);
    expect(e.data.registry).toBe('registry.example.com');
    expect(String(e.data.url)).not.toMatch(/pw|secret/);
    const codes = body.startsWith('{')
      ? JSON.parse(body).errors.map((x: { code: string }) => x.code)
      : undefined;
    expect(e.data.registryCodes).toEqual(codes);
    expect(e.message.startsWith('registry.example.com: registry.example.com/app:1: ')).toBe(true);
  });

  it('says what the registry answered on a 404 and keeps Retry-After of a 429', async () => {
    const nf = await responseError(answer(404, ociBody('NAME_UNKNOWN')), subject);
    expect(nf.message).toMatch(
      /GET manifest 1: not found \(NAME_UNKNOWN\); check the repository name and tag/,
    );
    const rl = await responseError(answer(429, '', { 'retry-after': '120' }), subject);
    expect(rl.message).toMatch(/rate limited \(HTTP 429, Retry-After 120\)/);
    expect(rl.data.retryAfter).toBe('120');
  });

  it('a 404 of a server that is not a repository (the token server) is a bad response', async () => {
    const e = await responseError(answer(404), {
      ...subject,
      what: 'the token server',
      notFoundIsUnknown: false,
    });
    expect(e.code).toBe('BAD_RESPONSE');
  });
});
