// The command-line entry point: the only place that reads argv; dispatches to src/entry/commands/*.

import { type Command, runCommandArgv } from './command.js';
import { allCommands, COMMANDS } from './commands/index.js';
import { type CommandIO, EXIT } from './io.js';
import { createLogger } from './logger.js';

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

/** Default IO bound to the real process. */
export function processIO(): CommandIO {
  const stderr = (t: string) => {
    process.stderr.write(t);
  };
  return {
    stdout: (t) => {
      process.stdout.write(t);
    },
    stderr,
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    isTTY: Boolean(process.stderr.isTTY),
    logger: createLogger(stderr, { level: process.env.IMAGESTREAMS_DEBUG ? 'debug' : 'info' }),
  };
}

/** Run one command line; resolves to the exit code. */
export async function main(argv: string[], io: CommandIO = processIO()): Promise<number> {
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
  return runCommandArgv(cmd, rest, io);
}
