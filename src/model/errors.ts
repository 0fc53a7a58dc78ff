// The one error type of the project: a code, structured data, a cause, a hint, and whether a retry can help.

import { type ErrorCode, type ErrorData, hintFor, isPermanentCode } from './error-codes.js';

export interface ErrorOptions {
  data?: Record<string, unknown>;
  cause?: unknown;
  /** true: the user must fix something (no retry); false: temporary (retry may help). Default: the catalogue's. */
  permanent?: boolean;
  /** How to fix it; default: the catalogue's hint for the code. */
  hint?: string;
}

/** Every error the project raises on purpose; match on `code`, never on the message. */
export class ImagestreamsError extends Error {
  readonly code: ErrorCode;
  readonly data: Record<string, unknown>;
  readonly permanent: boolean;
  /** One sentence: how to fix it, or what to do next. */
  readonly hint: string;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'ImagestreamsError';
    this.code = code;
    this.data = options.data ?? {};
    this.permanent = options.permanent ?? isPermanentCode(code);
    this.hint = options.hint ?? hintFor(code);
  }
}

/** An ImagestreamsError known to carry `code`, its data typed as the catalogue declares for that code. */
export type ImagestreamsErrorOf<C extends ErrorCode> = ImagestreamsError & {
  readonly code: C;
  readonly data: ErrorData<C>;
};

/** True when `e` is an ImagestreamsError with the given code (its data then typed for that code). */
export function hasCode<C extends ErrorCode>(e: unknown, code: C): e is ImagestreamsErrorOf<C> {
  return e instanceof ImagestreamsError && e.code === code;
}
