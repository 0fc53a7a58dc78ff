// Progress outside a terminal: a plain line at most every few seconds on long runs, nothing on short ones;
// on a terminal: redrawn in place. The clock is the IO's (injected), so no test waits.
import { describe, expect, it } from 'vitest';
import { printRun } from '../../src/entry/commands/reconcile.js';
import { progressReporter } from '../../src/entry/progress.js';
import { captureIO } from '../helpers/capture-io.js';

function ioAt(isTTY: boolean, env: Record<string, string> = {}) {
  let t = 0;
  const io = { ...captureIO('/', { env }), isTTY, now: () => new Date(t) };
  return { io, tick: (ms: number) => (t += ms) };
}

describe('progress', () => {
  it('outside a TTY, prints a plain line at most every 5 s and the final count after them', () => {
    const { io, tick } = ioAt(false, { CI: 'true' });
    const p = progressReporter(io);
    for (let done = 0; done <= 100; done++) {
      p({ due: 100, done, failed: done > 50 ? 1 : 0 });
      tick(200); // 100 imports over 20 s
    }
    const lines = io.err().trimEnd().split('\n');
    expect(lines).toEqual([
      'importing: 25/100 resolved, 0 failed',
      'importing: 50/100 resolved, 0 failed',
      'importing: 75/100 resolved, 1 failed',
      'importing: 100/100 resolved, 1 failed',
    ]);
  });

  it('a run shorter than the interval prints nothing', () => {
    const { io, tick } = ioAt(false);
    const p = progressReporter(io);
    for (let done = 0; done <= 10; done++) {
      p({ due: 10, done, failed: 0 });
      tick(100);
    }
    expect(io.err()).toBe('');
  });

  it('on a terminal, redraws one line in place and clears it at the end', () => {
    const { io, tick } = ioAt(true);
    const p = progressReporter(io);
    p({ due: 2, done: 0, failed: 0 });
    tick(50);
    p({ due: 2, done: 1, failed: 0 }); // within 100 ms: skipped
    tick(100);
    p({ due: 2, done: 2, failed: 0 });
    expect(io.err()).toBe('\rimporting: 0/2 resolved, 0 failed\x1b[K\r\x1b[K');
  });
});

describe('reconcile output in GitHub Actions', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const run = {
    status: 'ok',
    written: ['imagestreams.lock/default/python.json'],
    result: {
      dryRun: false,
      imports: [{}],
      failed: 0,
      skipped: 0,
      failedPins: [],
      changes: [
        {
          namespace: 'default',
          stream: 'python',
          lockFile: 'imagestreams.lock/default/python.json',
          tags: [{ tag: '3.12', kind: 'new', to: { image: digest, dockerImageReference: `r/p@${digest}` } }],
        },
        { namespace: 'team', stream: 'go', lockFile: 'imagestreams.lock/team/go.json', tags: [] },
      ],
    },
  } as unknown as Parameters<typeof printRun>[0];

  it('puts each changed stream in its own ::group::', () => {
    const io = captureIO('/', { env: { GITHUB_ACTIONS: 'true' } });
    expect(printRun(run, io, false)).toBe(0);
    expect(io.out()).toBe(
      ['::group::default/python (1 tag)', `  + default/python:3.12  r/p@${digest}`, '::endgroup::', ''].join(
        '\n',
      ),
    );
  });

  it('writes the group commands through the given writer (the Action keeps the rest neutralised)', () => {
    const io = captureIO('/');
    const commands: string[] = [];
    printRun(run, io, false, undefined, { groups: true, command: (l) => commands.push(l) });
    expect(commands).toEqual(['::group::default/python (1 tag)\n', '::endgroup::\n']);
    expect(io.out()).toBe(`  + default/python:3.12  r/p@${digest}\n`);
  });

  it('uses the command writer of the IO when it has one (stdout stays for the lines)', () => {
    const commands: string[] = [];
    const io = {
      ...captureIO('/', { env: { GITHUB_ACTIONS: 'true' } }),
      command: (l: string) => commands.push(l),
    };
    printRun(run, io, false);
    expect(commands).toEqual(['::group::default/python (1 tag)\n', '::endgroup::\n']);
    expect(io.out()).toBe(`  + default/python:3.12  r/p@${digest}\n`);
  });

  it('prints plain lines outside Actions', () => {
    const io = captureIO('/');
    printRun(run, io, false);
    expect(io.out()).toBe(`  + default/python:3.12  r/p@${digest}\n`);
  });
});
