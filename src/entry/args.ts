// Turn node:util parseArgs failures into messages that say which option is wrong, what the command's usage is,
// and the closest option when one was mistyped (matched by the error's code, never by its text).

import type { ParseArgsConfig } from 'node:util';

/** The options a command takes, as node:util parseArgs reads them. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Edit distance (insert, delete, substitute, swap of neighbours), for "did you mean". */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}

/** The known option closest to `name` (without dashes), if it is close enough to be a typo. */
export function closestOption(name: string, options: OptionSpec): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const known of Object.keys(options)) {
    const d = known.startsWith(name) && name.length >= 2 ? 0.5 : distance(name, known);
    if (!best || d < best.d) best = { name: known, d };
  }
  return best && best.d <= Math.max(1, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

/** The first token naming an option the command does not have (`--long`, `--long=x`, or a letter of `-abc`). */
export function unknownOption(args: readonly string[], options: OptionSpec): string | undefined {
  const shorts = new Set(Object.values(options).flatMap((o) => (o.short ? [o.short] : [])));
  for (const a of args) {
    if (a === '--') return undefined;
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=')[0]!;
      if (!Object.hasOwn(options, name)) return `--${name}`;
    } else if (a.startsWith('-') && a.length > 1) {
      for (const c of a.slice(1)) if (!shorts.has(c)) return `-${c}`;
    }
  }
  return undefined;
}

/** The option spec's name for a token (`--namespace=x` → namespace, `-n` → namespace). */
function optionNamed(token: string, options: OptionSpec): string | undefined {
  if (token.startsWith('--')) return token.slice(2).split('=')[0];
  return Object.entries(options).find(([, o]) => o.short === token.slice(1, 2))?.[0];
}

/** A usage error for a parseArgs failure: what is wrong, the usage line, the fix. */
export function explainParseError(
  e: unknown,
  args: readonly string[],
  options: OptionSpec,
  command: string,
  help: string,
): string {
  const usage =
    help.split('\n').find((l) => l.startsWith('Usage:')) ?? `Usage: imagestreams ${command} [options]`;
  const code = (e as { code?: string }).code;
  const tail = `${usage}\nRun \`imagestreams ${command} --help\` for every option.\n`;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const bad = unknownOption(args, options);
    if (bad) {
      const near = bad.startsWith('--') ? closestOption(bad.slice(2), options) : undefined;
      const hint = near ? ` (did you mean --${near}?)` : '';
      return `imagestreams ${command}: unknown option ${bad}${hint}\n${tail}`;
    }
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // Either a string option without its value, or a boolean option given one.
    for (const a of args) {
      const name = a.startsWith('-') ? optionNamed(a, options) : undefined;
      const spec = name ? options[name] : undefined;
      if (!spec) continue;
      if (spec.type === 'boolean' && a.includes('=')) {
        return `imagestreams ${command}: option --${name} takes no value (write --${name} alone)\n${tail}`;
      }
      const i = args.indexOf(a);
      const next = args[i + 1];
      if (spec.type === 'string' && !a.includes('=') && (next === undefined || next.startsWith('-'))) {
        return `imagestreams ${command}: option --${name} needs a value (--${name} VALUE)\n${tail}`;
      }
    }
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return `imagestreams ${command}: unexpected argument\n${tail}`;
  }
  return `imagestreams ${command}: ${(e as Error).message}\n${tail}`;
}
