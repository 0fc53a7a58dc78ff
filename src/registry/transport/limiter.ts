// Bounds concurrent requests per registry host: a fixed counting semaphore, or one whose bound follows the
// registry's latency.

/** What the requester needs of a limiter. */
export interface RequestLimiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** Runs tasks with at most `max` in flight, first come first served. */
export class Limiter implements RequestLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** Bounds and clock of an AdaptiveLimiter. */
export interface AdaptiveLimiterOptions {
  /** Never fewer in flight than this, nor more than `max`; starts at `initial`. */
  min: number;
  max: number;
  initial: number;
  /** Monotonic milliseconds. */
  now: () => number;
}

/**
 * A limiter whose bound follows latency (TCP Vegas applied to requests): it keeps the shortest round trip seen
 * as the registry's unloaded latency and estimates the requests queued behind the registry as
 * `limit × (1 − shortest / this one)`. Fewer than 2 queued: one more may be in flight (per round trip, so the
 * bound doubles at most once a round trip); more than 4: one fewer. A failed task halves nothing (a registry
 * error is not congestion) but counts as a long round trip. The shortest round trip is kept for the limiter's
 * life (one run): forgetting it under load would take the loaded latency for the unloaded one and let the bound
 * creep up.
 */
export class AdaptiveLimiter implements RequestLimiter {
  private active = 0;
  private limit: number;
  private shortest = Number.POSITIVE_INFINITY;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly opts: AdaptiveLimiterOptions) {
    this.limit = Math.min(opts.max, Math.max(opts.min, opts.initial));
  }

  /** The current bound (for tests and stats). */
  get bound(): number {
    return Math.floor(this.limit);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A woken task finds its slot already taken for it (see release), so a newcomer cannot slip in between.
    if (this.active >= this.bound || this.waiting.length > 0)
      await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    const start = this.opts.now();
    let ok = false;
    try {
      const out = await task();
      ok = true;
      return out;
    } finally {
      this.active--;
      this.observe(this.opts.now() - start, ok);
      this.release();
    }
  }

  private release(): void {
    while (this.waiting.length > 0 && this.active < this.bound) {
      this.active++;
      this.waiting.shift()!();
    }
  }

  private observe(rtt: number, ok: boolean): void {
    const sample = Math.max(rtt, 0.05);
    if (ok) this.shortest = Math.min(this.shortest, sample);
    const queued = this.limit * (1 - this.shortest / (ok ? sample : Math.max(sample, this.shortest * 4)));
    if (queued < 2) this.limit = Math.min(this.opts.max, this.limit + 1 / this.limit);
    else if (queued > 4) this.limit = Math.max(this.opts.min, this.limit - 1 / this.limit);
  }
}
