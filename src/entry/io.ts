// What an entry point hands a command: streams, environment, working directory, clock (all injectable).

import type { Logger } from '../util/logger.js';

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  now: () => Date;
  /** True when stderr is a terminal (progress may be drawn). */
  isTTY: boolean;
  logger: Logger;
  /**
   * Writes a workflow command built by `workflowCommand` (inside GitHub Actions, stdout and stderr neutralise
   * `::` at line starts, so the CLI's own annotations go here). Absent: stdout.
   */
  command?: (line: string) => void;
}

/** Exit codes shared by every command. */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2 } as const;
