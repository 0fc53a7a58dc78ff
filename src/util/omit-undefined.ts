// One way to leave optional fields out: `omitUndefined({ token, repository })` instead of a spread of
// `...(token ? { token } : {})` per field (with exactOptionalPropertyTypes an optional field may not hold undefined).

/** `o` without the keys whose value is undefined (other falsy values — "", 0, false, null — are kept). */
export type WithoutUndefined<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/** A shallow copy of `o` without its undefined-valued keys; key order is kept. */
export function omitUndefined<T extends object>(o: T): WithoutUndefined<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    // A plain assignment to "__proto__" would set the copy's prototype instead of an own key (as a spread makes).
    if (k === '__proto__')
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out as WithoutUndefined<T>;
}
