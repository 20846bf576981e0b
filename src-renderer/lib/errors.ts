import { ApiError, type AppError } from '../../src-shared/contract';

/** What the user sees for a failure: the server's message, never a stack trace. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  return 'Something went wrong (no details were given).';
}

/** The AppError behind a failure, when the server answered one. */
export function appErrorOf(error: unknown): AppError | null {
  return error instanceof ApiError ? error.error : null;
}
