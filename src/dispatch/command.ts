// Runs a `command` dispatch target with execa: argv without a shell, the moved tag in IMAGESTREAM_* variables,
// output captured (for the report) rather than mixed into ours.

import { execa } from 'execa';

/** What a finished command did; `output` is stdout and stderr interleaved, unredacted (the caller redacts). */
export interface CommandOutcome {
  exitCode?: number;
  /** The program could not be started (not found, not executable). */
  notStarted: boolean;
  timedOut: boolean;
  output: string;
}

/** Runs one command target (injected into the dispatcher; tests may pass a fake). */
export type CommandRunner = (
  argv: readonly string[],
  opts: { cwd: string; env: Record<string, string | undefined>; timeoutMs: number },
) => Promise<CommandOutcome>;

/** The execa-backed runner: no shell, env given in full (extendEnv false), never throws for a failed command. */
export const runCommand: CommandRunner = async (argv, opts) => {
  const [file, ...args] = argv;
  const res = await execa(file ?? '', args, {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: false,
    reject: false,
    all: true,
    stdin: 'ignore',
    timeout: opts.timeoutMs,
    stripFinalNewline: true,
  });
  const code = (res as { code?: string }).code;
  return {
    ...(typeof res.exitCode === 'number' ? { exitCode: res.exitCode } : {}),
    notStarted: code === 'ENOENT' || code === 'EACCES',
    timedOut: res.timedOut === true,
    output: String(res.all ?? ''),
  };
};
