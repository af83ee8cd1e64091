/**
 * Every failure pipewatch raises says whether trying again can help. The edges map
 * retryable failures to 503 / redelivery and permanent ones to 400 / dead-letter.
 */
export class PipewatchError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable;
  }
}

/** A downstream was briefly unavailable: the same input may succeed later. */
export class RetryableError extends PipewatchError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { retryable: true, cause });
  }
}

/** The input itself is wrong: retrying it will fail the same way. */
export class PermanentError extends PipewatchError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { retryable: false, cause });
  }
}

/** Unknown errors are treated as retryable: losing data is worse than retrying. */
export function isRetryable(error: unknown): boolean {
  return error instanceof PipewatchError ? error.retryable : true;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
