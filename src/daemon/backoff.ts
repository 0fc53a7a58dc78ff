// How long the daemon waits before retrying a run that failed as a whole (pure): exponential in the number of
// consecutive failures, capped, with "equal jitter" (half fixed, half random) so that daemons sharing a git host
// or registry do not retry in step. The random source is injected so tests are exact.

/** Backoff settings. */
export interface BackoffOptions {
  /** Wait after the first failure (before jitter). */
  baseMs: number;
  /** Longest wait, however many failures in a row. */
  capMs: number;
  /** A number in [0, 1). */
  random: () => number;
}

/** Default wait after the first failure: 30 s. */
export const DEFAULT_RETRY_BASE_MS = 30_000;
/** Default longest wait between retries: 15 minutes. */
export const DEFAULT_RETRY_CAP_MS = 15 * 60_000;

/** Delay before the retry after `failures` consecutive failed runs (1 = the first failure). */
export function backoffDelay(failures: number, o: BackoffOptions): number {
  const n = Math.max(1, Math.floor(failures));
  const full = Math.min(o.capMs, o.baseMs * 2 ** Math.min(n - 1, 40));
  const r = Math.min(Math.max(o.random(), 0), 1);
  return Math.max(1, Math.round(full / 2 + (full / 2) * r));
}
