import type { Rng } from '../../../../../src-shared/model/rng';
import type { ArchFeatures } from './features';
import { cholesky, forwardSubstitute, solveCholesky } from '../../../linalg/dense';
import { type Prediction, type Predictor, standardise } from './predictor';

export interface GpHyper {
  /** Signal variance σ² of the standardised targets. */
  variance: number;
  lengthscale: number;
  /** Observation noise variance. */
  noise: number;
}

export interface GpOptions {
  /**
   * `marginal-likelihood`: type-II maximum likelihood over a grid of lengthscales and noise ratios,
   * the signal variance in closed form; `fixed`: `fixed` as given.
   */
  hyper: 'marginal-likelihood' | 'fixed';
  fixed: GpHyper;
}

/**
 * The initial values in NASLib's GP predictor (`naslib/predictors/gp/gp.py`): RBF variance 5,
 * lengthscale 10, noise 1, on standardised targets. Not what NASLib's GP predicts with in White et
 * al.'s comparison (NeurIPS 2021): its model replaces lengthscale and variance by LogNormal(0, 1)
 * priors that nothing fits (docs/blackbox.md, "Beside White et al.").
 */
export const NASLIB_GP_HYPER: GpHyper = { variance: 5, lengthscale: 10, noise: 1 };

const LENGTHSCALES = [0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 12, 16];
const NOISE_RATIOS = [1e-3, 1e-2, 0.03, 0.1, 0.3, 1];

/**
 * Gaussian-process regression with an RBF kernel on a binary encoding (path or adjacency one-hot):
 * k(x, x') = σ² exp(−|x ⊕ x'| / (2ℓ²)), the squared distance of two 0/1 vectors being their Hamming
 * distance. Exact posterior (Rasmussen and Williams, Algorithm 2.1): mean k*ᵀ(K + σₙ²I)⁻¹y, variance
 * k(x,x) − k*ᵀ(K + σₙ²I)⁻¹k*; the std returned is the latent function's (noise not added), mapped
 * back to the metric's scale.
 */
export class GpPredictor<A> implements Predictor<A> {
  readonly name = 'gp';
  private train: number[][] = [];
  private alpha: Float64Array = new Float64Array(0);
  private chol: Float64Array = new Float64Array(0);
  private shift = 0;
  private spread = 1;
  /** The hyperparameters of the last fit. */
  hyper: GpHyper;

  constructor(
    private readonly features: ArchFeatures<A>,
    private readonly options: GpOptions = { hyper: 'marginal-likelihood', fixed: NASLIB_GP_HYPER },
  ) {
    this.hyper = { ...options.fixed };
  }

  fit(archs: readonly A[], ys: readonly number[]): void {
    if (archs.length !== ys.length) throw new RangeError(`fit needs as many targets as cells (got ${archs.length} and ${ys.length})`);
    const { zs, shift, spread } = standardise(ys);
    this.shift = shift;
    this.spread = spread;
    this.train = archs.map((a) => this.features.ones(a));
    const n = this.train.length;
    const dist = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) dist[i * n + j] = dist[j * n + i] = hamming(this.train[i], this.train[j]);
    if (this.options.hyper === 'fixed') this.hyper = { ...this.options.fixed };
    else {
      let best = -Infinity;
      for (const lengthscale of LENGTHSCALES) {
        for (const ratio of NOISE_RATIOS) {
          // K = σ²(R + rI): for fixed ℓ and r the likelihood's best σ² is yᵀ(R + rI)⁻¹y / n
          const l = cholesky(kernelMatrix(dist, n, { variance: 1, lengthscale, noise: ratio }), n);
          if (l === null) continue;
          const a = solveCholesky(l, n, zs);
          const quad = zs.reduce((s, z, i) => s + z * a[i], 0);
          const variance = Math.max(quad / n, 1e-6);
          let logDet = 0;
          for (let i = 0; i < n; i++) logDet += 2 * Math.log(l[i * n + i]);
          const logLik = -0.5 * n * Math.log(variance) - 0.5 * logDet;
          if (logLik > best) {
            best = logLik;
            this.hyper = { variance, lengthscale, noise: ratio * variance };
          }
        }
      }
    }
    const l = cholesky(kernelMatrix(dist, n, this.hyper), n);
    if (l === null) throw new Error(`the GP's kernel matrix is not positive definite with noise ${this.hyper.noise}; raise the noise`);
    this.chol = l;
    this.alpha = solveCholesky(l, n, zs);
  }

  predict(archs: readonly A[]): Prediction {
    const n = this.train.length;
    if (n === 0) throw new Error('predict called before fit');
    const mean = new Float64Array(archs.length);
    const std = new Float64Array(archs.length);
    const ks = new Float64Array(n);
    archs.forEach((arch, c) => {
      const x = this.features.ones(arch);
      for (let i = 0; i < n; i++) ks[i] = this.kernel(hamming(x, this.train[i]));
      let mu = 0;
      for (let i = 0; i < n; i++) mu += ks[i] * this.alpha[i];
      const v = forwardSubstitute(this.chol, n, ks);
      const variance = this.hyper.variance - v.reduce((s, x) => s + x * x, 0);
      mean[c] = mu * this.spread + this.shift;
      std[c] = Math.sqrt(Math.max(variance, 0)) * this.spread;
    });
    return { mean, std };
  }

  dispose(): void {}

  private kernel(d: number): number {
    return this.hyper.variance * Math.exp(-d / (2 * this.hyper.lengthscale ** 2));
  }
}

/** Size of the symmetric difference of two ascending lists of positions (the Hamming distance). */
export function hamming(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  let j = 0;
  let same = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      same++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return a.length + b.length - 2 * same;
}

function kernelMatrix(dist: Float64Array, n: number, h: GpHyper): Float64Array {
  const k = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) k[i] = h.variance * Math.exp(-dist[i] / (2 * h.lengthscale ** 2));
  for (let i = 0; i < n; i++) k[i * n + i] += h.noise;
  return k;
}
