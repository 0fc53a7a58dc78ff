// Unknown or malformed options: the message names the option, gives the command's usage line and the closest
// option, and the exit code is 2 (not Node's raw parseArgs text).
import { describe, expect, it } from 'vitest';
import { closestOption, distance } from '../../src/entry/args.js';
import { main } from '../../src/entry/cli.js';
import { captureIO } from '../helpers/capture-io.js';

async function run(...argv: string[]) {
  const io = captureIO('/nonexistent');
  return { code: await main(argv, io), err: io.err() };
}

describe('option errors', () => {
  it.each([
    [['get', '--nmespace', 'x'], 'imagestreams get: unknown option --nmespace (did you mean --namespace?)'],
    [['reconcile', '--dryrun'], 'imagestreams reconcile: unknown option --dryrun (did you mean --dry-run?)'],
    [['get', '-x'], 'imagestreams get: unknown option -x\n'],
    [['get', '--namespace'], 'imagestreams get: option --namespace needs a value (--namespace VALUE)'],
    [['validate', '--json=3'], 'imagestreams validate: option --json takes no value (write --json alone)'],
  ])('%j', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toMatch(new RegExp(`^Usage: imagestreams ${argv[0]} `, 'm'));
    expect(r.err).not.toContain('To specify a positional argument');
  });

  it('suggests only near misses', () => {
    const opts = {
      namespace: { type: 'string' },
      json: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
    } as const;
    expect(closestOption('jsno', opts)).toBe('json');
    expect(closestOption('dry', opts)).toBe('dry-run');
    expect(closestOption('zzzzzz', opts)).toBeUndefined();
    expect(distance('abc', 'acb')).toBe(1);
  });
});
