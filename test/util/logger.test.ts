import { expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../src/util/logger.js';

it('says which levels it writes, so callers can skip building the fields of dropped lines', () => {
  const lines: string[] = [];
  const info = createLogger((l) => lines.push(l));
  expect([info.enabled?.('debug'), info.enabled?.('info'), info.enabled?.('error')]).toEqual([
    false,
    true,
    true,
  ]);
  const debug = createLogger((l) => lines.push(l), { level: 'debug' });
  expect(debug.enabled?.('debug')).toBe(true);
  debug.debug('registry request', { method: 'HEAD', status: 200 });
  expect(lines).toEqual(['debug: registry request method=HEAD status=200\n']);
  expect(silentLogger.enabled?.('error')).toBe(false);
});

it("the registry access's redacting logger says the same levels as the logger it wraps", async () => {
  const { createAccess } = await import('../../src/registry/access.js');
  const settings = {
    timeoutMs: 1000,
    retries: 0,
    maxRetryAfterMs: 0,
    backoffBaseMs: 1,
    concurrencyPerHost: 1,
  };
  const wrapped = (level: 'info' | 'debug') =>
    createAccess({ ...settings, maxSockets: 1, logger: createLogger(() => {}, { level }) });
  const quiet = wrapped('info');
  const loud = wrapped('debug');
  expect(quiet.logger.enabled?.('debug')).toBe(false);
  expect(loud.logger.enabled?.('debug')).toBe(true);
  quiet.close();
  loud.close();
});
