// The one error type of the project: a code, structured data, a cause, and whether a retry can help.

export interface ErrorOptions {
  data?: Record<string, unknown>;
  cause?: unknown;
  /** true: the user must fix something (no retry); false: temporary (retry may help). */
  permanent?: boolean;
}

/** Every error the project raises on purpose; match on `code`, never on the message. */
export class ImagestreamsError extends Error {
  readonly code: string;
  readonly data: Record<string, unknown>;
  readonly permanent: boolean;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'ImagestreamsError';
    this.code = code;
    this.data = options.data ?? {};
    this.permanent = options.permanent ?? true;
  }
}

/** True when `e` is an ImagestreamsError with the given code. */
export function hasCode(e: unknown, code: string): e is ImagestreamsError {
  return e instanceof ImagestreamsError && e.code === code;
}
