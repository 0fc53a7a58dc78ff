// The daemon's settings and their defaults (unset ones come from the project config's `daemon:` section).

import type { PublishMode } from '../publish/publish.js';

/** Default schedule interval: 15 minutes. */
export const DEFAULT_INTERVAL_MS = 15 * 60_000;
/** Default import budget per minute. */
export const DEFAULT_MAX_IMPORTS_PER_MINUTE = 60;
/** Default cap of distinct pushed images waiting for the next run (the oldest is dropped beyond it). */
export const DEFAULT_MAX_QUEUED_PUSHES = 1000;

/** Settings; unset ones come from the project config (`daemon:`) and then the defaults. */
export interface DaemonOptions {
  host: string;
  port: number;
  intervalMs?: number;
  maxImportsPerMinute?: number;
  /** Hosts Distribution events are also known by (--registry-host); config `daemon.registryHosts` adds more. */
  registryHosts?: string[];
  /** Webhook secret (Bearer / HMAC key / Docker Hub token). */
  secret?: string;
  /** Overrides config publish.mode (pull-request mode also seeds locks from PR branches). */
  publishMode?: PublishMode;
  /** Least time between two scheduled runs (default: interval/60, within 1 s–60 s). */
  minGapMs?: number;
  /** Wait before retrying a run that failed as a whole, doubled per consecutive failure (default 30 s). */
  retryMs?: number;
  /** Longest wait between retries (default 15 min). */
  maxRetryMs?: number;
  /** Distinct pushed images kept for the next run (default 1000); beyond it the oldest is dropped. */
  maxQueuedPushes?: number;
}

/** Timers (Node's by default; tests pass fakes). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
