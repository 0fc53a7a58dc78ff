// The command table: each command lives in its own file and is listed here once. Modules load on demand, so a
// command pays only for its own dependencies at start-up (octokit and isomorphic-git are not free).

import type { Command } from '../command.js';

/** Command name → loader. */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  daemon: async () => (await import('./daemon.js')).daemonCommand,
  describe: async () => (await import('./describe.js')).describeCommand,
  dispatch: async () => (await import('./dispatch.js')).dispatchCommand,
  get: async () => (await import('./get.js')).getCommand,
  import: async () => (await import('./import.js')).importCommand,
  mirror: async () => (await import('./mirror.js')).mirrorCommand,
  reconcile: async () => (await import('./reconcile.js')).reconcileCommand,
  resolve: async () => (await import('./resolve.js')).resolveCommand,
  rollback: async () => (await import('./rollback.js')).rollbackCommand,
  set: async () => (await import('./set.js')).setCommand,
  tag: async () => (await import('./tag.js')).tagCommand,
  validate: async () => (await import('./validate.js')).validateCommand,
  verify: async () => (await import('./verify.js')).verifyCommand,
};

/** Every command, loaded (for the command list in --help). */
export async function allCommands(): Promise<Command[]> {
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}
