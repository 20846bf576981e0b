import type { AppError } from './contract';

/**
 * Thrown on the client side when main answered an AppError. Its own module (no schemas), so code
 * that only throws or catches it does not load the contract's schemas.
 */
export class ApiError extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
    this.name = 'ApiError';
  }
}
