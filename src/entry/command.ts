// The shape every CLI command has: a name, help text, option spec, and a run function.

import type { ParseArgsConfig } from 'node:util';
import type { CommandIO } from './io.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

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
