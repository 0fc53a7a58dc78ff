// What a plain (unquoted) YAML scalar means under the YAML 1.2 core schema, for the parsers' fast paths
// (loader/yaml-fast.ts, consumers/yaml-fast.ts): null, booleans, decimal numbers and strings. Forms the fast paths
// do not reproduce exactly (hexadecimal, octal, .inf and .nan, integers beyond 2^53) answer UNSURE, and the caller
// hands the text to the full `yaml` parser.

/** The answer for a plain scalar whose meaning a fast path does not reproduce. */
export const UNSURE: unique symbol = Symbol('unsure');

const INT_RE = /^[-+]?[0-9]+$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOAT_RE = /^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$/;

/** True when a plain scalar may be a number (or .inf/.nan, 0x/0o): it starts with a digit, a sign or a dot. */
function numberLike(s: string): boolean {
  const c = s.charCodeAt(0);
  return (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;
}

/** The value of the plain scalar `s` (no comment, no surrounding space), or UNSURE. */
export function plainValue(s: string): unknown {
  if (s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  // Most values are words or references: the number patterns below all start with a digit, sign or dot.
  if (!numberLike(s)) return s;
  if (INT_RE.test(s)) {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : UNSURE;
  }
  if (FLOAT_RE.test(s)) return Number(s);
  if (SPECIAL_FLOAT_RE.test(s) || /^0[ox]/.test(s)) return UNSURE;
  return s;
}
