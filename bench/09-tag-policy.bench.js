// Tag selection: choose among 10,000 tags of one repository, per policy kind; and read those tags through the
// registry client, page by page (`?n=1000` and `Link`), from a local HTTP server that serves only the tag list
// (Debian's Distribution 2.8 does not paginate tag lists, and pushing 10,000 tags would dominate the figure).
// Reports, asserts nothing.
import http from 'node:http';
import { parseTagPolicy, selectTag } from '../build/policy/tag-selection.js';
import { createRegistryClient } from '../build/registry/client.js';
import { createTagLister } from '../build/registry/tag-lister.js';

const N = 10_000;
const tags = [];
for (let i = 0; i < N; i++) {
  const kind = i % 4;
  if (kind === 0) tags.push(`${Math.floor(i / 400)}.${Math.floor(i / 20) % 20}.${i % 20}`);
  else if (kind === 1) tags.push(`${1_700_000_000 + i}`);
  else if (kind === 2) tags.push(`main-${(i * 2654435761).toString(16).slice(-7)}-${1_700_000_000 + i}`);
  else
    tags.push(`2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}-${i}`);
}
tags.sort();

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/v2/') return res.writeHead(200).end('{}');
  if (url.pathname !== '/v2/bench/app/tags/list') return res.writeHead(404).end();
  const n = Number(url.searchParams.get('n') ?? N);
  const last = url.searchParams.get('last') ?? '';
  const from = last ? tags.findIndex((t) => t > last) : 0;
  const page = from < 0 ? [] : tags.slice(from, from + n);
  const headers = { 'content-type': 'application/json' };
  if (from >= 0 && from + n < tags.length)
    headers.link = `</v2/bench/app/tags/list?n=${n}&last=${encodeURIComponent(page.at(-1))}>; rel="next"`;
  res.writeHead(200, headers).end(JSON.stringify({ name: 'bench/app', tags: page }));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const host = `127.0.0.1:${server.address().port}`;

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const rounds = 5;
let best = Infinity;
for (let r = 0; r < rounds; r++) {
  const client = createRegistryClient();
  const t0 = process.hrtime.bigint();
  const listed = await createTagLister(client).list({ domain: host, path: 'bench/app' });
  best = Math.min(best, ms(t0));
  if (listed.length !== N) throw new Error(`listed ${listed.length}`);
  client.close();
}
console.log(
  `list ${N} tags (10 pages of 1,000, through the client): best of ${rounds} ${best.toFixed(1)} ms`,
);
server.close();

const policies = {
  'semver >=1 <20': { 'imagestreams.dev/tag-policy': 'semver', 'imagestreams.dev/semver-range': '>=1 <20' },
  numerical: { 'imagestreams.dev/tag-policy': 'numerical' },
  alphabetical: { 'imagestreams.dev/tag-policy': 'alphabetical' },
  'numerical, pattern + extract': {
    'imagestreams.dev/tag-policy': 'numerical',
    'imagestreams.dev/tag-pattern': '^main-[a-f0-9]+-(?P<ts>[0-9]+)$',
    'imagestreams.dev/tag-extract': '$ts',
  },
  'first-seen, pattern (2,500 tags)': {
    'imagestreams.dev/tag-policy': 'first-seen',
    'imagestreams.dev/tag-pattern': '^2024-0[1-4]-',
  },
};
for (const [name, annotations] of Object.entries(policies)) {
  const { policy } = parseTagPolicy(annotations);
  let chosen;
  let bestSel = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    chosen = selectTag(policy, tags, { now: '2026-11-27T12:00:00Z' });
    bestSel = Math.min(bestSel, ms(t0));
  }
  console.log(
    `choose among ${N} tags, ${name}: best of ${rounds} ${bestSel.toFixed(1)} ms (${chosen.considered} qualify, chose ${chosen.tag ?? chosen.problem})`,
  );
}
