// The command table: each command lives in its own file and is listed here once.

import type { Command } from '../command.js';
import { describeCommand } from './describe.js';
import { getCommand } from './get.js';
import { reconcileCommand } from './reconcile.js';
import { resolveCommand } from './resolve.js';
import { validateCommand } from './validate.js';
import { verifyCommand } from './verify.js';

export const COMMANDS: Command[] = [
  describeCommand,
  getCommand,
  reconcileCommand,
  resolveCommand,
  validateCommand,
  verifyCommand,
];
