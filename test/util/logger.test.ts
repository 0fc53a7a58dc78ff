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
