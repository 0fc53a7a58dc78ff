// A group's schedule window (`publish.groups[].schedule`): the days and local hours in a time zone during which its
// pull request may be opened or updated. Pure: the clock is an argument; time zones come from the runtime's Intl.

import type { ScheduleWindowConfig } from '../config/config.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** A parsed window: days (0 = Sunday), hours [start, end) — wrapping past midnight when start > end — and zone. */
export interface ScheduleWindow {
  days: ReadonlySet<number>;
  start: number;
  end: number;
  timezone: string;
  /** As written, for messages: `mon,thu 00-06 UTC`. */
  text: string;
}

/** The window, or what is wrong with it and where (`hours`, `timezone`). */
export function parseScheduleWindow(
  c: ScheduleWindowConfig,
): { window: ScheduleWindow } | { error: string; at: 'hours' | 'timezone' } {
  const [start, end] = (c.hours ?? '00-24').split('-').map(Number) as [number, number];
  if (start === end) {
    return {
      error: `hours "${c.hours}" is an empty window: give two different hours, e.g. "00-06" (or "00-24" for all day)`,
      at: 'hours',
    };
  }
  const timezone = c.timezone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    return {
      error: `timezone "${timezone}" is not a time zone this runtime knows: use an IANA name such as "UTC" or "Europe/Berlin"`,
      at: 'timezone',
    };
  }
  const days = new Set((c.days ?? DAYS).map((d) => DAYS.indexOf(d)));
  const text = `${c.days ? c.days.join(',') : 'daily'} ${c.hours ?? '00-24'} ${timezone}`;
  return { window: { days, start, end, timezone, text } };
}

/** A formatter of weekday and hour in `timezone` (made once per question: making one is slow). */
function formatter(timezone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    weekday: 'short',
    hour: '2-digit',
    hourCycle: 'h23',
  });
}

/** Weekday (0 = Sunday) and hour of `ms` as `f` shows it. */
function localDayHour(ms: number, f: Intl.DateTimeFormat): { day: number; hour: number } {
  const parts = f.formatToParts(new Date(ms));
  const weekday =
    parts
      .find((p) => p.type === 'weekday')
      ?.value.toLowerCase()
      .slice(0, 3) ?? 'sun';
  return {
    day: DAYS.indexOf(weekday as (typeof DAYS)[number]),
    hour: Number(parts.find((p) => p.type === 'hour')?.value),
  };
}

/** Whether the window is open at `ms`. */
export function windowOpen(w: ScheduleWindow, ms: number, f = formatter(w.timezone)): boolean {
  const { day, hour } = localDayHour(ms, f);
  if (w.start < w.end) return w.days.has(day) && hour >= w.start && hour < w.end;
  return (w.days.has(day) && hour >= w.start) || (w.days.has((day + 6) % 7) && hour < w.end);
}

const QUARTER_HOUR = 15 * 60_000;

/**
 * Open now, or when it next opens (RFC 3339, UTC): the first quarter hour within eight days at which it is open
 * (local hours start on a quarter hour in every time zone).
 */
export function windowState(w: ScheduleWindow, now: Date): { open: true } | { open: false; opensAt: string } {
  const ms = now.getTime();
  const f = formatter(w.timezone);
  if (windowOpen(w, ms, f)) return { open: true };
  for (let t = Math.floor(ms / QUARTER_HOUR + 1) * QUARTER_HOUR; t < ms + 8 * 86_400_000; t += QUARTER_HOUR) {
    if (windowOpen(w, t))
      return { open: false, opensAt: new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }
  return { open: false, opensAt: 'never' };
}
