import type { AppError } from '../../src-shared/contract';

/**
 * The size limits of web mode's inputs. The largest legitimate request is a run config with a
 * hand-written search space or a pasted genotype (contract: text up to 100 000 characters), a few
 * hundred kB at most; 1 MiB leaves room and keeps one hostile message from costing much memory.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Deeper JSON than any contract schema reads (run configs nest 4-5 levels); deeper input is refused before zod sees it. */
export const MAX_JSON_DEPTH = 32;
/** A request id or Idempotency-Key: client-made, unique per client session. */
export const MAX_REQUEST_ID_LENGTH = 128;

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
  toAppError(): AppError {
    return { code: 'invalid_request', message: this.message };
  }
}

/** Nesting depth of a parsed JSON value, iteratively (a deep value must not overflow the stack here). */
export function jsonDepth(value: unknown, stopAbove = MAX_JSON_DEPTH): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) max = depth;
    if (max > stopAbove) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return max;
}

/** JSON.parse with the depth limit; every failure is an InputError saying what is wrong. */
export function parseJsonLimited(text: string, what: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${what} is not JSON: ${(error as Error).message}`);
  }
  if (jsonDepth(value) > MAX_JSON_DEPTH) throw new InputError(`${what} nests deeper than ${MAX_JSON_DEPTH} levels`);
  return value;
}
