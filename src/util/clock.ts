// The one injectable clock: token expiry, backoff sleeps and the daemon's schedule read time through it, so tests
// control time instead of waiting for it.

/** Milliseconds since the epoch, and a wait. Parts that only read the time take `Pick<Clock, 'now'>`. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};
