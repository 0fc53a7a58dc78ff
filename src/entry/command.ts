// The shape every CLI command has: a name, help text, option spec, and a run function.

import { parseArgs } from 'node:util';
import { explainParseError, type OptionSpec } from './args.js';
import { type CommandIO, EXIT } from './io.js';

export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full `--help` text (usage, options, examples, exit codes). */
  help: string;
  options: OptionSpec;
  /** Returns the exit code (see EXIT). */
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}

/** Parses `argv` for `cmd`: `--help` prints its help (exit 0), bad options are a usage error (exit 2). */
export function parseCommandArgv(cmd: Command, argv: string[], io: CommandIO): ParsedArgs | number {
  const options: OptionSpec = { help: { type: 'boolean', short: 'h' }, ...cmd.options };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    io.stderr(explainParseError(e, argv, options, cmd.name, cmd.help));
    return EXIT.USAGE;
  }
  if (parsed.values.help) {
    io.stdout(cmd.help);
    return EXIT.OK;
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

/** Parses `argv` for `cmd` and runs it (see parseCommandArgv). */
export async function runCommandArgv(cmd: Command, argv: string[], io: CommandIO): Promise<number> {
  const args = parseCommandArgv(cmd, argv, io);
  return typeof args === 'number' ? args : cmd.run(args, io);
}

/** The text of a usage error: what is wrong, and where the command's help is. */
export function usageText(command: string, message: string): string {
  return `imagestreams ${command}: ${message}\nRun \`imagestreams ${command} --help\`.\n`;
}

/** Prints a usage error on stderr; returns the usage exit code. */
export function usageError(io: CommandIO, command: string, message: string): number {
  io.stderr(usageText(command, message));
  return EXIT.USAGE;
}
