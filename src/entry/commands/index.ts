// The command table: each command lives in its own file and is listed here once.

import type { Command } from '../command.js';
import { describeCommand } from './describe.js';
import { dispatchCommand } from './dispatch.js';
import { getCommand } from './get.js';
import { importCommand } from './import.js';
import { reconcileCommand } from './reconcile.js';
import { resolveCommand } from './resolve.js';
import { rollbackCommand } from './rollback.js';
import { tagCommand } from './tag.js';
import { validateCommand } from './validate.js';
import { verifyCommand } from './verify.js';

export const COMMANDS: Command[] = [
  describeCommand,
  dispatchCommand,
  getCommand,
  importCommand,
  reconcileCommand,
  resolveCommand,
  rollbackCommand,
  tagCommand,
  validateCommand,
  verifyCommand,
];
