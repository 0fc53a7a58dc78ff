// What every use case receives from its entry point: the environment it may read credentials from, the working
// directory, the clock and the logger. No stdout, no argv, no Action inputs: use cases return typed results and the
// entry points render them.

import type { Logger } from '../util/logger.js';

export interface AppDeps {
  /** Variables named by the config for credentials (and, at the edge, the defaults built from them). */
  env: Record<string, string | undefined>;
  cwd: string;
  now: () => Date;
  logger: Logger;
}
