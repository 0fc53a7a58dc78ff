// Types for validators.js (plain ESM so scripts run it without a build).
import type { Ajv } from 'ajv';

export const SCHEMA_NAMES: readonly ['imagestream', 'config', 'lock'];
export function schemaId(name: string): string;
/** Validator key (`schema` or `schema#definition`) → schema reference. */
export const VALIDATOR_REFS: {
  config: string;
  lock: string;
  'imagestream#imageStream': string;
  'imagestream#list': string;
};
/** An ajv instance with the schemas added (`source`: keep the code for standalone output). */
export function schemaAjv(opts?: { source?: boolean }): Ajv;
/** The generated module's text. */
export function generateValidators(): string;
export const GENERATED_PATH: string;
