// The JSON Schemas in schemas/ (the single source of truth), compiled ahead of time (ajv standalone code in
// validators.generated.ts, written by scripts/build-validators.mjs), and ajv errors turned into fixes. No run reads
// a schema or loads ajv's compiler.

import type { ErrorObject } from 'ajv';
import { VALIDATORS } from './validators.generated.js';

/** Schema files shipped in schemas/. */
export type SchemaName = 'imagestream' | 'config' | 'lock';

/** A compiled validator: true when valid; otherwise `errors` says why (ajv's ErrorObjects, verbose). */
export type ValidateFunction = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** The compiled validator for a schema or one of its definitions (see VALIDATOR_REFS in scripts/lib/validators.js). */
export function validator(name: SchemaName, definition?: string): ValidateFunction {
  const key = definition ? `${name}#${definition}` : name;
  const fn = (VALIDATORS as unknown as Record<string, ValidateFunction | undefined>)[key];
  if (!fn) throw new Error(`no compiled validator for ${key}: add it to scripts/lib/validators.js and build`);
  return fn;
}

/** An ajv error as a path (to position it) and a message that says how to fix it. */
export interface SchemaProblem {
  path: (string | number)[];
  /** True when the position is the key (unknown field) rather than the value. */
  atKey: boolean;
  message: string;
}

function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `spec.tags[2].from.kind` for a JSON pointer (relative to `base`). */
export function dottedPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number' || /^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out || '(document)';
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function describeTypes(t: unknown): string {
  const list = (Array.isArray(t) ? t : [t]).filter((x) => x !== 'null') as string[];
  const words: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    boolean: 'true or false',
    integer: 'an integer',
    number: 'a number',
  };
  return list.map((x) => words[x] ?? x).join(' or ');
}

function problem(e: ErrorObject, base: (string | number)[], hint?: string): SchemaProblem | undefined {
  const path = [...base, ...splitPointer(e.instancePath)];
  const where = dottedPath(path);
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const label = typeof parent.title === 'string' ? parent.title : where;
  const fix = typeof parent['x-fix'] === 'string' ? parent['x-fix'] : undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((parent.properties as object | undefined) ?? {});
      return {
        path: [...path, prop],
        atKey: true,
        message: `unknown field "${prop}"${where === '(document)' ? '' : ` in ${where}`}: ${
          fix ?? `expected one of ${allowed.join(', ')}`
        }${hint && !where.startsWith('metadata') && where !== '(document)' && where !== 'spec' ? `; ${hint}` : ''}`,
      };
    }
    case 'required': {
      const prop = String((e.params as { missingProperty: string }).missingProperty);
      return { path, atKey: false, message: `${where} is missing the required field "${prop}"` };
    }
    case 'type': {
      const data = e.data;
      let hint = '';
      if (
        (e.params as { type: unknown }).type === 'string' &&
        (typeof data === 'number' || typeof data === 'boolean')
      )
        hint = ': quote the value, e.g. "3.10" (unquoted YAML turns 3.10 into the number 3.1)';
      return {
        path,
        atKey: false,
        message: `${label} must be ${describeTypes((e.params as { type: unknown }).type)}, not ${typeName(data)}${hint}`,
      };
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? [])
        .filter((v) => v !== null && v !== '')
        .map((v) => JSON.stringify(v));
      return {
        path,
        atKey: false,
        message: `${label} ${JSON.stringify(e.data)} is invalid: expected ${allowed.join(', ')}`,
      };
    }
    case 'const':
      return {
        path,
        atKey: false,
        message: `${label} ${JSON.stringify(e.data)} is invalid: expected ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`,
      };
    case 'pattern':
      return {
        path,
        atKey: false,
        message: `${label} ${parent['x-redact'] ? '(value not shown)' : JSON.stringify(e.data)} is invalid: ${fix ?? `must match ${(e.params as { pattern: string }).pattern}`}`,
      };
    case 'minLength':
      return { path, atKey: false, message: `${label} must not be empty` };
    case 'format':
      return {
        path,
        atKey: false,
        message: `${label} ${JSON.stringify(e.data)} is not a valid ${(e.params as { format: string }).format}`,
      };
    case 'oneOf':
    case 'anyOf':
    case 'if':
      return undefined; // the branch errors say more
    default:
      return { path, atKey: false, message: `${label} ${e.message ?? 'is invalid'}` };
  }
}

/** Turn ajv errors (relative to `base`) into problems with messages that name the fix, one per spot. */
export function schemaProblems(
  errors: readonly ErrorObject[] | null | undefined,
  base: (string | number)[] = [],
  /** Appended to "unknown field" messages (declarations: where extensions belong). */
  hint?: string,
): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const p = problem(e, base, hint);
    if (!p) continue;
    const k = `${p.path.join('/')}|${p.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(p);
  }
  if (out.length === 0 && errors && errors.length > 0) {
    const e = errors[0]!;
    out.push({
      path: [...base, ...splitPointer(e.instancePath)],
      atKey: false,
      message: `${dottedPath([...base, ...splitPointer(e.instancePath)])} ${e.message ?? 'is invalid'}`,
    });
  }
  return out;
}
