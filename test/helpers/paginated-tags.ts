// Tag list pagination in front of the real registry. Debian's Distribution 2.8 answers `tags/list?n=` with every
// tag on one page (pagination came with Distribution 3), so this rule makes the fault proxy page the real answer
// as Distribution 3 and Docker Hub do: tags sorted, `n` per page, `last` to continue, `Link: <…>; rel="next"`.

import type { Fault, ProxiedRequest } from './fault-proxy.js';

/** A fault-proxy rule that pages every tag list (other requests pass unchanged). */
export function paginateTagLists(r: ProxiedRequest): Fault | undefined {
  const url = new URL(r.path, 'http://x');
  const m = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
  if (!m || r.method !== 'GET') return undefined;
  const n = Number(url.searchParams.get('n') ?? '0');
  const last = url.searchParams.get('last') ?? '';
  let more: string | undefined;
  return {
    kind: 'rewrite',
    body: (b) => {
      const parsed = JSON.parse(b.toString('utf8')) as { name: string; tags: string[] | null };
      const all = [...(parsed.tags ?? [])].sort().filter((t) => t > last);
      const page = n > 0 ? all.slice(0, n) : all;
      if (n > 0 && all.length > n) more = page[page.length - 1];
      return Buffer.from(JSON.stringify({ name: parsed.name, tags: page }));
    },
    headers: (h) =>
      more === undefined
        ? h
        : { ...h, link: `</v2/${m[1]}/tags/list?n=${n}&last=${encodeURIComponent(more)}>; rel="next"` },
  };
}
