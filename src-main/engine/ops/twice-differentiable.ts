/**
 * Whether the ops are being differentiated twice (a gradient of a gradient: GraSP's Hessian-vector
 * product). tfjs detaches what a custom gradient saves, so an op with a closed-form backward (our
 * fused batch norm) gives a wrong second derivative; in this mode such ops take their autodiffed
 * form, and those without one refuse (NoSecondDerivativeError) instead of answering wrongly.
 */
let depth = 0;

export const twiceDifferentiable = (): boolean => depth > 0;

/** Runs `f` with the ops in their twice-differentiable form. */
export function withTwiceDifferentiableOps<T>(f: () => T): T {
  depth++;
  try {
    return f();
  } finally {
    depth--;
  }
}

/** The network has an op whose second derivative is not built (max pooling, dilated convolutions). */
export class NoSecondDerivativeError extends Error {
  constructor(what: string) {
    super(`no second derivative for ${what}: an exact Hessian-vector product cannot be taken through this network`);
    this.name = 'NoSecondDerivativeError';
  }
}
