import type { AppError } from '../../src-shared/contract';

/** An error a handler raises on purpose; the dispatcher answers it as a typed AppError. */
export class HostError extends Error {
  constructor(
    readonly code: AppError['code'],
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HostError';
  }

  toAppError(): AppError {
    return this.field ? { code: this.code, message: this.message, field: this.field } : { code: this.code, message: this.message };
  }
}
