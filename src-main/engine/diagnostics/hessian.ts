import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../src-shared/model/rng';
import { type PowerIterationResult, largestEigenvalue, powerIteration } from './power-iteration';

/**
 * The loss as a function of the architecture variables. It must be deterministic: the same batch,
 * no fresh dropout or Gumbel noise between calls, or the finite difference measures the noise.
 */
export type AlphaLoss = (alphas: tf.Variable[]) => tf.Scalar;

export interface HvpOptions {
  /** Step r of the central difference; the step along v is r/‖v‖, as DARTS's architect.py uses (1e-2). */
  epsilon?: number;
}

/** Flattened gradient of `lossFn` w.r.t. `alphas` (zeros for a variable the loss does not reach). */
function flatGradient(lossFn: AlphaLoss, alphas: tf.Variable[]): Float32Array {
  const flat = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => lossFn(alphas), alphas);
    value.dispose();
    return tf.concat(alphas.map((a) => (grads[a.name] ?? tf.zerosLike(a)).reshape([-1])));
  });
  const data = flat.dataSync() as Float32Array;
  flat.dispose();
  return data;
}

/**
 * Hessian-vector product H·v of `lossFn` w.r.t. `alphas` (v flattened in the order of `alphas`), by a
 * central difference of the gradient: (∇L(α + εv) − ∇L(α − εv)) / 2ε with ε = r/‖v‖.
 *
 * Not by double backprop: tfjs 4.22 differentiates a gradient only through ops whose gradient does
 * not reuse saved outputs; through exp or softmax it throws or, worse, returns a wrong value (see
 * docs/diagnostics.md). The error is O(ε²‖v‖³·‖∇³L‖) from truncation plus about u·‖∇L‖/ε from float32
 * rounding (u ≈ 6e-8); r = 1e-2 balances the two.
 *
 * The variables are moved and then restored to their exact original values, also on error.
 */
export function hessianVectorProduct(lossFn: AlphaLoss, alphas: tf.Variable[], v: Float32Array, opts: HvpOptions = {}): Float32Array {
  const sizes = alphas.map((a) => a.size);
  const dim = sizes.reduce((s, n) => s + n, 0);
  if (v.length !== dim) throw new Error(`the vector has ${v.length} entries but the alphas have ${dim} (${sizes.join(' + ')})`);
  let vNorm = 0;
  for (const x of v) vNorm += x * x;
  vNorm = Math.sqrt(vNorm);
  if (!Number.isFinite(vNorm)) throw new Error('the vector holds a non-finite entry');
  if (vNorm === 0) return new Float32Array(dim);
  const r = opts.epsilon ?? 1e-2;
  if (!(r > 0)) throw new Error(`epsilon must be positive, got ${r}`);
  const eps = r / vNorm;

  const originals = alphas.map((a) => a.clone());
  const directions: tf.Tensor[] = [];
  let offset = 0;
  for (const a of alphas) {
    directions.push(tf.tensor(v.subarray(offset, offset + a.size), a.shape, 'float32'));
    offset += a.size;
  }
  const gradientAt = (sign: 1 | -1): Float32Array => {
    tf.tidy(() => alphas.forEach((a, i) => a.assign(originals[i].add(directions[i].mul(sign * eps)))));
    return flatGradient(lossFn, alphas);
  };
  try {
    const plus = gradientAt(1);
    const minus = gradientAt(-1);
    const out = new Float32Array(dim);
    for (let i = 0; i < dim; i++) out[i] = (plus[i] - minus[i]) / (2 * eps);
    return out;
  } finally {
    alphas.forEach((a, i) => a.assign(originals[i]));
    tf.dispose([...originals, ...directions]);
  }
}

export interface DominantEigenvalueOptions extends HvpOptions {
  /** Power-iteration steps, each one Hessian-vector product (two gradient evaluations). Default 20. */
  iters?: number;
  /** Relative residual at which to stop. Default 1e-3. */
  tol?: number;
  rng: Rng;
  /**
   * Weight decay on the alphas, added as wd·I: RobustDARTS adds the arch weight decay to the gradient
   * before differentiating it again (analyze.py `_hessian`). Default 0.
   */
  archWeightDecay?: number;
  /**
   * 'magnitude' (default): the eigenvalue of largest |λ|, with its sign. 'largest': the largest λ,
   * as RobustDARTS reports it; costs a second power iteration when the dominant one is negative.
   */
  which?: 'magnitude' | 'largest';
}

/**
 * The dominant eigenvalue (largest magnitude with its sign, or the largest: `which`) of the Hessian of the validation loss
 * w.r.t. the architecture parameters, the collapse signal of RobustDARTS (Zela et al., ICLR 2020),
 * by power iteration on finite-difference Hessian-vector products. Leaves no tensors behind.
 */
export function dominantHessianEigenvalue(valLossOfAlphas: AlphaLoss, alphas: tf.Variable[], opts: DominantEigenvalueOptions): PowerIterationResult {
  const wd = opts.archWeightDecay ?? 0;
  const dim = alphas.reduce((s, a) => s + a.size, 0);
  const apply = (v: Float32Array): Float32Array => {
    const hv = hessianVectorProduct(valLossOfAlphas, alphas, v, { epsilon: opts.epsilon });
    if (wd !== 0) for (let i = 0; i < dim; i++) hv[i] += wd * v[i];
    return hv;
  };
  const iteration = opts.which === 'largest' ? largestEigenvalue : powerIteration;
  return iteration(apply, dim, { iters: opts.iters, tol: opts.tol, rng: opts.rng });
}
