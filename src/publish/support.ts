// Small pieces every publishing mode uses: retries while the remote moves underneath, commit stamps, and errors
// as results (secrets redacted).

import type { GitIdentity } from '../git/commit.js';
import { type ErrorCode, hintFor } from '../model/error-codes.js';
import { ImagestreamsError } from '../model/errors.js';
import { redact } from '../util/redact.js';

/** Errors that mean the remote moved underneath: rebuild on its new tip and try again. */
const RETRYABLE = new Set(['GIT_LEASE_FAILED', 'GIT_PUSH_REJECTED']);

/**
 * Runs `run` until it returns; when it throws because the remote moved (a lost lease, a rejected push) and
 * attempts remain, calls `refresh` and runs again. Any other error, or the last one, becomes `fail`'s result.
 */
export async function withLeaseRetry<T>(o: {
  max: number;
  run: (attempt: number) => Promise<T>;
  refresh: (attempt: number) => Promise<void>;
  fail: (e: unknown, attempt: number) => T;
}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await o.run(attempt);
    } catch (e) {
      if (e instanceof ImagestreamsError && RETRYABLE.has(e.code) && attempt < o.max) {
        await o.refresh(attempt);
        continue;
      }
      return o.fail(e, attempt);
    }
  }
}

/** The identity with `now` as its timestamp, unless it has one. */
export function stamp(id: GitIdentity, now?: () => Date): GitIdentity {
  if (id.timestamp !== undefined || !now) return id;
  return { ...id, timestamp: Math.floor(now().getTime() / 1000) };
}

/** A thrown error as a result: its code, its message with every secret redacted, and its hint. */
export function errorInfo(
  e: unknown,
  secrets: Array<string | undefined>,
): { code: ErrorCode; message: string; hint: string } {
  const code = e instanceof ImagestreamsError ? e.code : 'PUBLISH_FAILED';
  const hint = e instanceof ImagestreamsError ? e.hint : hintFor(code);
  return { code, message: redact(String((e as Error)?.message ?? e), secrets), hint };
}
