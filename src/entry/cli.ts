// The command-line entry point: the only place that reads argv; dispatches to src/entry/commands/*.

import { createLogger } from '../util/logger.js';
import { type Command, runCommandArgv } from './command.js';
import { allCommands, COMMANDS } from './commands/index.js';
import { type CommandIO, EXIT } from './io.js';
import { guardOutput } from './workflow-commands.js';

export { boundHeapGrowth } from './heap.js';
export { hideBundledDeprecations } from './node-warnings.js';

const VERSION = '0.1.0';

async function usage(): Promise<string> {
  const commands = await allCommands();
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'imagestreams — OpenShift-style image streams for GitOps',
    '',
    'Usage: imagestreams <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `imagestreams <command> --help` for a command's options.",
    'Exit codes: 0 ok, 1 failure (invalid input found, an import failed), 2 bad usage.',
    '',
  ].join('\n');
}

/** What processIO binds to; each part defaults to the real process (tests pass their own). */
export interface ProcessBindings {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/**
 * Default IO bound to the real process. Inside GitHub Actions every line written (stdout, stderr, the logger) is
 * neutralised so text from registries or files cannot start a workflow command; the CLI's own annotations go
 * through `command`.
 */
export function processIO(b: ProcessBindings = {}): CommandIO {
  const env = b.env ?? process.env;
  const inActions = env.GITHUB_ACTIONS === 'true';
  const rawOut =
    b.stdout ??
    ((t: string) => {
      process.stdout.write(t);
    });
  const rawErr =
    b.stderr ??
    ((t: string) => {
      process.stderr.write(t);
    });
  const stderr = guardOutput(rawErr, inActions);
  return {
    stdout: guardOutput(rawOut, inActions),
    stderr,
    command: rawOut,
    env,
    cwd: b.cwd ?? process.cwd(),
    now: () => new Date(),
    isTTY: b.stderr ? false : Boolean(process.stderr.isTTY),
    logger: createLogger(stderr, { level: env.IMAGESTREAMS_DEBUG ? 'debug' : 'info' }),
  };
}

/** What the process entry (bin/imagestreams.js) does between loading a command and running it. */
export interface MainHooks {
  /** Called once the command's code has loaded, before it parses its options and runs. */
  loaded?: () => void;
}

/** Run one command line; resolves to the exit code. */
export async function main(
  argv: string[],
  io: CommandIO = processIO(),
  hooks: MainHooks = {},
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const load = topic ? COMMANDS[topic] : undefined;
    io.stdout(load ? (await load()).help : await usage());
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`${VERSION}\n`);
    return EXIT.OK;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    io.stderr(`imagestreams: unknown command "${name}"\n\n${await usage()}`);
    return EXIT.USAGE;
  }
  const cmd: Command = await load();
  hooks.loaded?.();
  return runCommandArgv(cmd, rest, io);
}
