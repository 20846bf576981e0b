import type { Rng } from '../../../src-shared/model/rng';

/** A symmetric linear operator known only by its products with vectors (e.g. Hessian-vector products). */
export type SymmetricOperator = (v: Float32Array) => Float32Array;

export interface PowerIterationOptions {
  /** Most operator applications (each one a Hessian-vector product: two gradient evaluations). */
  iters?: number;
  /** Stop when the residual ‖Av − λv‖ is at most tol·|λ| (v of unit length). */
  tol?: number;
  /** Draws the start vector. */
  rng: Rng;
}

export interface PowerIterationResult {
  /** The eigenvalue of largest magnitude, with its sign (Rayleigh quotient of the last vector). */
  eigenvalue: number;
  /** Its unit eigenvector estimate. */
  vector: Float32Array;
  iterations: number;
  converged: boolean;
  /** ‖Av − λv‖ at the last step; for symmetric A some eigenvalue lies within this of `eigenvalue`. */
  residual: number;
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/**
 * Dominant eigenvalue (largest |λ|) of a symmetric operator by power iteration. The residual test
 * (rather than a change in λ) also catches the case it cannot solve, two eigenvalues ±λ of equal
 * magnitude, where the Rayleigh quotient settles on a wrong value: `converged` then stays false.
 */
export function powerIteration(apply: SymmetricOperator, dim: number, opts: PowerIterationOptions): PowerIterationResult {
  const iters = opts.iters ?? 20;
  const tol = opts.tol ?? 1e-3;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`powerIteration needs a positive dimension, got ${dim}`);
  if (!Number.isInteger(iters) || iters < 1) throw new Error(`powerIteration needs iters ≥ 1, got ${iters}`);
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = opts.rng.normal();
  const n0 = norm(v);
  for (let i = 0; i < dim; i++) v[i] /= n0;

  let eigenvalue = 0;
  let residual = Infinity;
  for (let k = 1; k <= iters; k++) {
    const w = apply(v);
    if (w.length !== dim) throw new Error(`the operator returned ${w.length} values for a vector of ${dim}`);
    let rq = 0;
    for (let i = 0; i < dim; i++) rq += v[i] * w[i];
    let r2 = 0;
    for (let i = 0; i < dim; i++) r2 += (w[i] - rq * v[i]) ** 2;
    eigenvalue = rq;
    residual = Math.sqrt(r2);
    const wn = norm(w);
    if (!Number.isFinite(wn)) throw new Error(`the operator returned a non-finite vector at iteration ${k}`);
    if (wn === 0) return { eigenvalue: 0, vector: v, iterations: k, converged: true, residual: 0 };
    if (residual <= tol * Math.abs(rq)) return { eigenvalue, vector: v, iterations: k, converged: true, residual };
    for (let i = 0; i < dim; i++) v[i] = w[i] / wn;
  }
  return { eigenvalue, vector: v, iterations: iters, converged: false, residual };
}

/**
 * The largest eigenvalue (algebraically, RobustDARTS's `max(eigvals(H))`). When the dominant one
 * is negative, a second power iteration on A − λ_dom·I (all eigenvalues ≥ 0 there) finds
 * λ_max − λ_dom; its error adds the first run's. `iterations` counts both runs.
 */
export function largestEigenvalue(apply: SymmetricOperator, dim: number, opts: PowerIterationOptions): PowerIterationResult {
  const dominant = powerIteration(apply, dim, opts);
  if (dominant.eigenvalue >= 0) return dominant;
  const shift = dominant.eigenvalue;
  const shifted = powerIteration(
    (v) => {
      const w = apply(v);
      for (let i = 0; i < dim; i++) w[i] -= shift * v[i];
      return w;
    },
    dim,
    opts,
  );
  return {
    ...shifted,
    eigenvalue: shifted.eigenvalue + shift,
    iterations: dominant.iterations + shifted.iterations,
    converged: dominant.converged && shifted.converged,
  };
}
