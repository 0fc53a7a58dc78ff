// Schedule windows of publish groups: parsing, open/closed at an instant (plain, past midnight, in a time zone with
// daylight saving), when a closed window opens; and the config load's errors at file:line.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { parseScheduleWindow, type ScheduleWindow, windowState } from '../../src/policy/schedule-window.js';

function window(c: Parameters<typeof parseScheduleWindow>[0]): ScheduleWindow {
  const p = parseScheduleWindow(c);
  if ('error' in p) throw new Error(p.error);
  return p.window;
}
const at = (w: ScheduleWindow, iso: string) => windowState(w, new Date(iso));

describe('schedule windows', () => {
  it.each([
    // 2026-01-02 is a Friday, 2026-01-03 a Saturday.
    [{ days: ['sat' as const], hours: '00-06' }, '2026-01-03T05:59:00Z', { open: true }],
    [
      { days: ['sat' as const], hours: '00-06' },
      '2026-01-03T06:00:00Z',
      { open: false, opensAt: '2026-01-10T00:00:00Z' },
    ],
    [
      { days: ['sat' as const], hours: '00-06' },
      '2026-01-02T12:34:56Z',
      { open: false, opensAt: '2026-01-03T00:00:00Z' },
    ],
    // Past midnight: Friday 22:00 to Saturday 06:00.
    [{ days: ['fri' as const], hours: '22-06' }, '2026-01-03T03:00:00Z', { open: true }],
    [
      { days: ['fri' as const], hours: '22-06' },
      '2026-01-02T21:00:00Z',
      { open: false, opensAt: '2026-01-02T22:00:00Z' },
    ],
    // Every day, all day (the defaults).
    [{}, '2026-01-02T12:00:00Z', { open: true }],
    // Local hours in a zone with daylight saving: 02-04 Berlin is 01-03 UTC in winter, 00-02 UTC in summer.
    [{ hours: '02-04', timezone: 'Europe/Berlin' }, '2026-01-02T01:30:00Z', { open: true }],
    [
      { hours: '02-04', timezone: 'Europe/Berlin' },
      '2026-07-02T02:30:00Z',
      { open: false, opensAt: '2026-07-03T00:00:00Z' },
    ],
    // A zone whose hours start at a quarter past the UTC hour.
    [
      { hours: '06-07', timezone: 'Asia/Kathmandu' },
      '2026-01-02T00:00:00Z',
      { open: false, opensAt: '2026-01-02T00:15:00Z' },
    ],
  ])('%j at %s → %j', (c, iso, want) => {
    expect(at(window(c), iso)).toEqual(want);
  });

  it('refuses an empty window and an unknown time zone', () => {
    expect(parseScheduleWindow({ hours: '06-06' })).toMatchObject({ at: 'hours' });
    expect(parseScheduleWindow({ timezone: 'Mars/Olympus' })).toMatchObject({ at: 'timezone' });
  });

  it('reports a bad window in the config at its line, and a malformed one through the schema', () => {
    const text = (schedule: string) =>
      `publish:\n  groups:\n    - name: bases\n      streams: [base]\n      schedule:\n${schedule}`;
    const tz = parseConfig('.imagestreams.yaml', text('        timezone: Mars/Olympus\n')).diagnostics;
    expect(tz).toMatchObject([
      {
        file: '.imagestreams.yaml',
        line: 6,
        code: 'CONFIG_SCHEDULE',
        message: expect.stringContaining('timezone "Mars/Olympus" is not a time zone'),
      },
    ]);
    const empty = parseConfig('.imagestreams.yaml', text('        hours: "06-06"\n')).diagnostics;
    expect(empty).toMatchObject([{ line: 6, code: 'CONFIG_SCHEDULE' }]);
    const bad = parseConfig(
      '.imagestreams.yaml',
      text('        days: [someday]\n        hours: "6-7"\n'),
    ).diagnostics;
    expect(bad.map((d) => [d.line, d.code])).toEqual([
      [6, 'CONFIG_SCHEMA'],
      [7, 'CONFIG_SCHEMA'],
    ]);
    const ok = parseConfig(
      '.imagestreams.yaml',
      `${text('        days: [mon, thu]\n        hours: "22-06"\n        timezone: Europe/Berlin\n')}  maxOpenPullRequests: 3\n  autoMerge: {method: squash, only: digest}\n`,
    );
    expect(ok.diagnostics).toEqual([]);
    expect(ok.config.publish).toMatchObject({
      maxOpenPullRequests: 3,
      autoMerge: { method: 'squash', only: 'digest' },
      groups: [
        { name: 'bases', schedule: { days: ['mon', 'thu'], hours: '22-06', timezone: 'Europe/Berlin' } },
      ],
    });
  });
});
