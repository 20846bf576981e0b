import { cholesky, inverseCholesky } from '../../../linalg/dense';

/**
 * Bayesian linear regression with evidence maximisation (Bishop, Pattern Recognition and Machine
 * Learning, §3.3 and §3.5.2): weights w ~ N(0, α⁻¹I), targets t ~ N(wᵀφ, β⁻¹); the posterior is
 * N(m, S) with S⁻¹ = αI + βΦᵀΦ, m = βSΦᵀt; α and β are re-estimated by the fixed point
 * γ = d − α·tr(S), α = γ / mᵀm, β = (n − γ) / ‖t − Φm‖². `predict` gives the predictive mean φᵀm and
 * the std of the weights' uncertainty √(φᵀSφ) (the noise β⁻¹ not added).
 */
export class BayesianLinear {
  alpha = 1;
  beta = 1;
  private m: Float64Array = new Float64Array(0);
  private s: Float64Array = new Float64Array(0);
  private d = 0;

  /** `phi` rows are feature vectors (a bias feature is added here). */
  fit(phi: readonly ArrayLike<number>[], t: readonly number[], iterations = 30): void {
    const n = phi.length;
    if (n === 0 || n !== t.length) throw new RangeError(`Bayesian linear regression needs as many targets as rows (got ${n} and ${t.length})`);
    const d = phi[0].length + 1;
    this.d = d;
    const rows = phi.map((r) => [...Array.from(r), 1]);
    const gram = new Float64Array(d * d);
    const phiT = new Float64Array(d);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < d; i++) {
        phiT[i] += rows[k][i] * t[k];
        for (let j = 0; j < d; j++) gram[i * d + j] += rows[k][i] * rows[k][j];
      }
    }
    for (let it = 0; it < iterations; it++) {
      const precision = new Float64Array(d * d);
      for (let i = 0; i < d * d; i++) precision[i] = this.beta * gram[i];
      for (let i = 0; i < d; i++) precision[i * d + i] += this.alpha;
      const l = cholesky(precision, d);
      if (l === null) throw new Error(`the Bayesian linear head's posterior precision is not positive definite (α ${this.alpha}, β ${this.beta})`);
      this.s = inverseCholesky(l, d);
      this.m = new Float64Array(d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) this.m[i] += this.beta * this.s[i * d + j] * phiT[j];
      if (it === iterations - 1) break;
      let trace = 0;
      for (let i = 0; i < d; i++) trace += this.s[i * d + i];
      const gamma = d - this.alpha * trace;
      const mm = this.m.reduce((acc, x) => acc + x * x, 0);
      const sse = rows.reduce((acc, r, k) => acc + (t[k] - r.reduce((q, x, i) => q + x * this.m[i], 0)) ** 2, 0);
      this.alpha = Math.min(Math.max(gamma / Math.max(mm, 1e-12), 1e-6), 1e6);
      this.beta = Math.min(Math.max((n - gamma) / Math.max(sse, 1e-12), 1e-6), 1e6);
    }
  }

  predict(phi: ArrayLike<number>): { mean: number; std: number } {
    const { d, m, s } = this;
    if (d === 0) throw new Error('predict called before fit');
    const x = [...Array.from(phi), 1];
    let mean = 0;
    let variance = 0;
    for (let i = 0; i < d; i++) {
      mean += x[i] * m[i];
      for (let j = 0; j < d; j++) variance += x[i] * s[i * d + j] * x[j];
    }
    return { mean, std: Math.sqrt(Math.max(variance, 0)) };
  }
}
