// The injectable clock: backoff sleeps and token expiry go through it, so tests control time.

/** Milliseconds since the epoch, and a sleep. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};
