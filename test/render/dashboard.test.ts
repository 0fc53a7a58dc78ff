import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamLock } from '../../src/model/lock.js';
import {
  DASHBOARD_MARKER,
  type DashboardStream,
  dashboardStreams,
  MAX_DASHBOARD_LENGTH,
  renderDashboard,
} from '../../src/render/dashboard.js';
import { parseDashboardTicks } from '../../src/render/dashboard-ticks.js';
import { digest as D } from '../helpers/builders.js';
import { check } from '../helpers/property.js';

const lock = (name: string, tags: StreamLock['status']['tags']): StreamLock => ({
  apiVersion: 'imagestreams.dev/v1alpha1',
  kind: 'ImageStreamLock',
  metadata: { name, namespace: 'default' },
  status: { tags },
});
const item = (c: string, created: string) => ({
  created,
  dockerImageReference: `quay.io/acme/app@${D(c)}`,
  image: D(c),
  generation: 1,
});

const locks = new Map<string, StreamLock>([
  [
    'default/app',
    lock('app', [
      { tag: 'web', items: [item('a', '2026-11-20T08:00:00Z')] },
      {
        tag: 'worker',
        items: [item('b', '2026-11-21T09:00:00Z')],
        pending: {
          image: D('c'),
          dockerImageReference: `quay.io/acme/app@${D('c')}`,
          firstSeen: '2026-11-27T10:00:00Z',
          reason: 'Soaking',
          message: 'seen for 1h of 72h',
          eligibleAt: '2026-11-30T10:00:00Z',
        },
      },
      {
        tag: 'arm',
        items: [item('d', '2026-11-22T09:00:00Z')],
        pending: {
          image: D('e'),
          dockerImageReference: `quay.io/acme/app@${D('e')}`,
          firstSeen: '2026-11-27T10:00:00Z',
          reason: 'MissingPlatform',
          message: 'lacks linux/arm64',
          missingPlatforms: ['linux/arm64'],
        },
      },
    ]),
  ],
  [
    'default/base',
    lock('base', [
      {
        tag: 'alpine',
        items: [item('f', '2026-11-01T00:00:00Z')],
        conditions: [
          {
            type: 'ImportSuccess',
            status: 'False',
            reason: 'NotFound',
            message: 'manifest unknown',
            lastTransitionTime: '2026-11-27T10:00:00Z',
            generation: 1,
          },
        ],
      },
    ]),
  ],
]);

const declared = [
  { namespace: 'default', name: 'base', tags: ['alpine', 'edge'] },
  { namespace: 'default', name: 'app', tags: ['web', 'worker', 'arm'] },
];
const pulls = [{ number: 7, title: 'Update default/app:web', branch: 'imagestreams/default/app' }];

describe('renderDashboard', () => {
  const streams = dashboardStreams(declared, locks);
  const body = renderDashboard({ streams, pulls, ticked: new Set(['default/base:edge']) });

  it('matches the reviewed golden body', async () => {
    await expect(body).toMatchFileSnapshot('./dashboard.golden.md');
  });

  it('lists failed imports, held-back digests, open PRs and one import-now box per declared tag', () => {
    expect(body.startsWith(`${DASHBOARD_MARKER}\n`)).toBe(true);
    expect(body).toContain(
      '| `default/base:alpine` | `NotFound` | `2026-11-27T10:00:00Z` | `manifest unknown` |',
    );
    expect(body).toContain('soaking, eligible at `2026-11-30T10:00:00Z`');
    expect(body).toContain('lacks required platform `linux/arm64`');
    expect(body).toContain('- #7 Update default/app:web (`imagestreams/default/app`)');
    expect(body.match(/^- \[[ x]\] import now/gm)).toHaveLength(5);
    expect(body).toContain('- [x] import now `edge` not imported');
    expect(body).toContain('- [ ] import now `web` `sha256:aaaaaaaaaaaa` since `2026-11-20T08:00:00Z`');
  });

  it('renders the same bytes for the same state (no clock, no relative ages)', () => {
    expect(
      renderDashboard({
        streams: dashboardStreams(declared, locks),
        pulls,
        ticked: new Set(['default/base:edge']),
      }),
    ).toBe(body);
  });

  it('escapes hostile values: tag names, reasons and titles with <, |, backticks and @mentions never render or ping', () => {
    const hostile: DashboardStream[] = [
      {
        id: 'default/app',
        tags: [
          {
            key: 'default/app:x`|<b>@admin',
            tag: 'x`|<b>@admin',
            failed: {
              reason: '<img src=x onerror=alert(1)>',
              message: '| broken | `code` @security-team\n# heading <script>',
              since: '2026-11-27T10:00:00Z',
            },
          },
        ],
      },
    ];
    const out = renderDashboard({
      streams: hostile,
      pulls: [{ number: 3, title: 'ping @octocat <b>bold</b> [x](http://evil)', branch: 'imagestreams/`x`' }],
    });
    // Outside code spans (where GitHub renders nothing) no HTML and no @mention survives.
    const outsideCode = out.replace(/`[^`\n]*`/g, '').replace(/<!-- [^<>]* -->/g, '');
    expect(outsideCode).not.toMatch(/<[a-z]/i);
    expect(outsideCode).not.toMatch(/@\w/);
    expect(out).toContain('ping &#64;octocat &lt;b&gt;bold&lt;/b&gt; \\[x\\]\\(http:&#47;&#47;evil\\)');
    // A table cell keeps its columns: every `|` of a value is escaped.
    const row = out.split('\n').find((l) => l.startsWith('| `default/app:x'))!;
    expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(7);
    // The marker stays one well-formed HTML comment.
    expect(out).toContain('<!-- imagestreams:import=default%2Fapp%3Ax%60%7C%3Cb%3E%40admin -->');
  });
});

describe('the size bound', () => {
  const many = (streams: number, tags: number): DashboardStream[] =>
    Array.from({ length: streams }, (_, s) => ({
      id: `default/stream-${String(s).padStart(4, '0')}`,
      tags: Array.from({ length: tags }, (_, t) => ({
        key: `default/stream-${String(s).padStart(4, '0')}:tag-${t}`,
        tag: `tag-${t}`,
        digest: D(String(t % 10)),
        since: '2026-11-20T08:00:00Z',
        failed:
          t % 3 === 0
            ? { reason: 'Unauthorized', message: 'x'.repeat(400), since: '2026-11-27T10:00:00Z' }
            : undefined,
      })),
    })) as DashboardStream[];

  it('cuts 10,000 tags to at most 65,536 characters, deterministically, and says what was left out', () => {
    const streams = many(100, 100);
    const out = renderDashboard({ streams, pulls });
    expect(out.length).toBeLessThanOrEqual(MAX_DASHBOARD_LENGTH);
    expect(renderDashboard({ streams, pulls })).toBe(out);
    expect(out).toMatch(
      /\*\*Left out\*\* to stay within GitHub's limit of 65,536 characters: \d+ failed imports?, 1 open pull request, 10000 stream tags, from `default\/stream-\d{4}:tag-\d+` on\./,
    );
    // Whole lines only: the last kept table row is complete.
    expect(
      out
        .split('\n')
        .filter((l) => l.startsWith('| `default/'))
        .every((l) => l.endsWith('|')),
    ).toBe(true);
  });

  it('stays within any limit for any number of tags (property)', async () => {
    await check(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1_000, max: 65_536 }),
        (s, t, limit) => {
          const out = renderDashboard({ streams: many(s, t), pulls, limit });
          expect(out.length).toBeLessThanOrEqual(limit);
        },
      ),
      50,
    );
  });
});

describe('parseDashboardTicks', () => {
  it('returns the ticked boxes of declared tags and ignores every other ticked line', () => {
    const declaredKeys = new Set(['default/app:web', 'default/app:worker']);
    const body = [
      '- [x] import now `web` <!-- imagestreams:import=default%2Fapp%3Aweb -->',
      '- [ ] import now `worker` <!-- imagestreams:import=default%2Fapp%3Aworker -->',
      '- [x] import now `db` <!-- imagestreams:import=default%2Fapp%3Adb -->',
      '- [x] something a human wrote @someone',
      '- [X] again <!-- imagestreams:import=%E0%A4%A -->',
      '* [X] import now `web` <!-- imagestreams:import=default%2Fapp%3Aweb -->',
    ].join('\r\n');
    expect(parseDashboardTicks(body, declaredKeys)).toEqual({
      ticked: ['default/app:web'],
      ignored: [
        'default/app:db',
        'something a human wrote @someone',
        'again <!-- imagestreams:import=%E0%A4%A -->',
      ],
    });
  });

  it('reads back exactly the boxes render ticked (property: parse(render(x)) = x)', async () => {
    const name = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/);
    const tagName = fc.string({ minLength: 1, maxLength: 30 });
    await check(
      fc.property(
        fc.uniqueArray(fc.record({ stream: name, tags: fc.uniqueArray(tagName, { maxLength: 6 }) }), {
          selector: (s) => s.stream,
          maxLength: 5,
        }),
        fc.infiniteStream(fc.boolean()),
        (decl, coins) => {
          const declaredStreams = decl.map((d) => ({ namespace: 'ns', name: d.stream, tags: d.tags }));
          const streams = dashboardStreams(declaredStreams, new Map());
          const keys = streams.flatMap((s) => s.tags.map((t) => t.key));
          const ticked = keys.filter(() => coins.next().value);
          const out = renderDashboard({ streams, pulls: [], ticked: new Set(ticked) });
          const parsed = parseDashboardTicks(out, new Set(keys));
          expect(parsed.ignored).toEqual([]);
          expect(new Set(parsed.ticked)).toEqual(new Set(ticked));
        },
      ),
      200,
    );
  });
});
