// The Action's inputs (action.yml), read from INPUT_* and checked: contradictory or unknown values are refused with
// a message (exit 2). Also the values to mask, from the config's credential variables.

import * as nodeFs from 'node:fs';
import { loadConfig } from '../../config/load.js';
import { tokenValues } from '../../dispatch/run.js';
import { ImagestreamsError } from '../../model/errors.js';
import type { PublishMode } from '../../publish/publish.js';

/** What the workflow asked for (action.yml inputs), typed and checked. */
export interface ActionInputs {
  command: 'reconcile' | 'plan' | 'validate' | 'verify' | 'dispatch' | EditCommand;
  /** Arguments of an editing command (tag, import, rollback), split on white space (no shell). */
  args?: string[];
  token?: string;
  config?: string;
  publish?: PublishMode;
  dryRun: boolean;
  streams: string[];
  workingDirectory: string;
  metadata: boolean;
  comment: boolean;
  /** On a pull_request from this repository: commit the locks of its declaration edits to its branch. */
  lockPr: boolean;
}

export const EDIT_COMMANDS = ['tag', 'import', 'rollback'] as const;
export type EditCommand = (typeof EDIT_COMMANDS)[number];
const COMMANDS = ['reconcile', 'plan', 'validate', 'verify', 'dispatch', ...EDIT_COMMANDS] as const;
const PUBLISH_MODES = ['pull-request', 'commit', 'none'] as const;

function inputError(message: string): ImagestreamsError {
  return new ImagestreamsError('ACTION_INPUT', message, { permanent: true });
}

/** An input as the runner passes it: INPUT_<NAME upper-cased, spaces as _>, trimmed ("" when unset). */
function input(env: Record<string, string | undefined>, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

function booleanInput(env: Record<string, string | undefined>, name: string, dflt: boolean): boolean {
  const v = input(env, name);
  if (v === '') return dflt;
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE'].includes(v)) return false;
  throw inputError(`input "${name}" must be true or false, not "${v}"`);
}

/** Reads and checks the inputs; contradictory or unknown values are refused with a message. */
export function readInputs(env: Record<string, string | undefined>): ActionInputs {
  const command = input(env, 'command') || 'reconcile';
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw inputError(`input "command" must be one of ${COMMANDS.join(', ')}, not "${command}"`);
  }
  const publish = input(env, 'publish');
  if (publish && !(PUBLISH_MODES as readonly string[]).includes(publish)) {
    throw inputError(`input "publish" must be one of ${PUBLISH_MODES.join(', ')}, not "${publish}"`);
  }
  const token = input(env, 'token');
  const config = input(env, 'config');
  const args = input(env, 'args').split(/\s+/).filter(Boolean);
  const edit = (EDIT_COMMANDS as readonly string[]).includes(command);
  if (args.length > 0 && !edit) {
    throw inputError(`input "args" is for the ${EDIT_COMMANDS.join(', ')} commands, not "${command}"`);
  }
  if (edit && args.length === 0) throw inputError(`command "${command}" needs its arguments in input "args"`);
  const reserved = args.find((a) => /^--(publish|json|config|dry-run)(=|$)/.test(a));
  if (reserved) {
    throw inputError(
      `input "args" must not set ${reserved.split('=')[0]}: use the inputs publish, config and dry-run`,
    );
  }
  const lockPr = booleanInput(env, 'lock-pr', false);
  if (lockPr && command !== 'reconcile' && command !== 'plan') {
    throw inputError(`input "lock-pr" works with the reconcile and plan commands, not "${command}"`);
  }
  return {
    command: command as ActionInputs['command'],
    ...(args.length > 0 ? { args } : {}),
    ...(token ? { token } : {}),
    ...(config ? { config } : {}),
    ...(publish ? { publish: publish as PublishMode } : {}),
    dryRun: booleanInput(env, 'dry-run', false),
    streams: input(env, 'streams')
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter(Boolean),
    workingDirectory: input(env, 'working-directory') || '.',
    metadata: booleanInput(env, 'metadata', true),
    comment: booleanInput(env, 'comment', true),
    lockPr,
  };
}

/** Values to mask: the token input, GITHUB_TOKEN, and every env variable the config names for credentials. */
export async function secretValues(
  inputs: ActionInputs,
  root: string,
  env: Record<string, string | undefined>,
): Promise<string[]> {
  const { config } = await loadConfig(nodeFs.promises, {
    root,
    cwd: root,
    ...(inputs.config ? { configPath: inputs.config } : {}),
  });
  const names = [
    ...Object.values(config.registries).flatMap((r) =>
      r.credentials ? [r.credentials.usernameEnv, r.credentials.passwordEnv] : [],
    ),
    ...config.dispatch.flatMap((t) => (t.tokenEnv ? [t.tokenEnv] : [])),
  ];
  const values = tokenValues(names, env);
  if (inputs.token && !values.includes(inputs.token)) values.unshift(inputs.token);
  return values;
}
