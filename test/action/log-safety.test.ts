import { describe, expect, it } from 'vitest';
import { neutralizeCommands } from '../../src/entry/workflow-commands.js';
import { createLogger } from '../../src/util/logger.js';

describe('action log lines', () => {
  it('never start a workflow command, whatever a registry put in an error message', () => {
    const text =
      'import failed: registry said\n::error file=x::owned\n  ::add-mask::secret\r::set-output name=a::b\n' +
      'legacy ##[set-output name=a;]b\nplain a::b line';
    const out = neutralizeCommands(text);
    for (const line of out.split(/\r\n|\r|\n/)) {
      expect(line.trimStart().startsWith('::')).toBe(false);
      expect(line).not.toContain('##[');
    }
    expect(out).toContain('plain a::b line');
    expect(out.replaceAll('\u200b', '')).toBe(text);
  });
});

describe('logger lines', () => {
  it('quote a field value with a line break, so one event stays one line', () => {
    const lines: string[] = [];
    const log = createLogger((l) => lines.push(l));
    log.warn('mirror failed', { error: 'x\n::add-mask::y', plain: 'a b' });
    expect(lines).toEqual(['warn: mirror failed error="x\\n::add-mask::y" plain=a b\n']);
  });
});
