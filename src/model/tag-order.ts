// The order OpenShift lists tags in: "latest" first, then versions newest first, then the rest by name.

const VERSION_RE = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-_.+](.*))?$/;

function versionOf(tag: string): [number, number, number, string] | undefined {
  const m = VERSION_RE.exec(tag);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? -1), Number(m[3] ?? -1), m[4] ?? ''];
}

/** Compare two tag names as `oc` orders them (PrioritizeTags). */
function compareTags(a: string, b: string): number {
  if (a === b) return 0;
  if (a === 'latest') return -1;
  if (b === 'latest') return 1;
  const va = versionOf(a);
  const vb = versionOf(b);
  if (va && !vb) return -1;
  if (!va && vb) return 1;
  if (va && vb) {
    for (let i = 0; i < 3; i++) {
      const d = (vb[i] as number) - (va[i] as number);
      if (d !== 0) return d;
    }
    if (va[3] !== vb[3]) {
      if (va[3] === '') return -1;
      if (vb[3] === '') return 1;
      return va[3] < vb[3] ? -1 : 1;
    }
  }
  return a < b ? -1 : 1;
}

/** Tags sorted for display (a new array). */
export function prioritizeTags(tags: Iterable<string>): string[] {
  return [...new Set(tags)].sort(compareTags);
}
