// Node 24 warns (DEP0169) when code outside node_modules calls url.parse(). Bundled, our dependencies' HTTP code
// (isomorphic-git's client) is outside node_modules, so every CLI, daemon and Action run would print that warning
// on stderr, where the daemon's JSON log lines and the Action's log go. The URLs it parses are the remotes we
// already validated, so only this one deprecation is hidden; every other warning still prints.

const HIDDEN = new Set(['DEP0169']);

let hidden = false;

/** Stop Node from printing the deprecations in HIDDEN (once per process, at an entry point). */
export function hideBundledDeprecations(): void {
  if (hidden) return;
  hidden = true;
  const emit = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const [first, second] = rest;
    const code =
      typeof first === 'object' && first !== null ? (first as { code?: string }).code : (second as string);
    if (typeof code === 'string' && HIDDEN.has(code)) return;
    return (emit as (...a: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
}
