// The fieldPath of an `image.openshift.io/triggers` entry, parsed into steps (the JSONPath subset OpenShift accepts).

/** One step: a map key, a sequence index, or a `[?(@.name=="x")]` filter over a sequence of maps. */
export type PathStep = { key: string } | { index: number } | { name: string };

const KEY_RE = /[A-Za-z_$][\w$-]*/y;
const INDEX_RE = /\[(\d+)\]/y;
const FILTER_RE = /\[\?\(\s*@\.name\s*==\s*(?:"([^"]*)"|'([^']*)')\s*\)\]/y;

/** Parse `spec.template.spec.containers[?(@.name=="web")].image`; returns a reason on bad input. */
export function parseFieldPath(path: string): { steps: PathStep[] } | { error: string } {
  const steps: PathStep[] = [];
  let i = path.startsWith('$.') ? 2 : 0;
  if (path.length <= i) return { error: 'it is empty' };
  for (;;) {
    KEY_RE.lastIndex = i;
    const key = KEY_RE.exec(path);
    if (!key) return { error: `expected a field name at character ${i + 1}` };
    steps.push({ key: key[0] });
    i = KEY_RE.lastIndex;
    for (;;) {
      INDEX_RE.lastIndex = i;
      const idx = INDEX_RE.exec(path);
      if (idx) {
        steps.push({ index: Number(idx[1]) });
        i = INDEX_RE.lastIndex;
        continue;
      }
      FILTER_RE.lastIndex = i;
      const f = FILTER_RE.exec(path);
      if (f) {
        steps.push({ name: f[1] ?? f[2] ?? '' });
        i = FILTER_RE.lastIndex;
        continue;
      }
      break;
    }
    if (i === path.length) return { steps };
    if (path[i] !== '.') {
      return {
        error: `unexpected "${path.slice(i, i + 12)}" at character ${i + 1} (use [N] or [?(@.name=="container")])`,
      };
    }
    i++;
  }
}
