/**
 * Adam (Kingma and Ba) on a flat Float64Array of parameters, in plain TypeScript: for the black-box
 * predictors, whose few thousand weights and few hundred examples cost less than tfjs's per-op
 * dispatch. Keras's defaults, which BANANAS used: β1 0.9, β2 0.999, ε 1e-7 (written with their
 * complements 0.1 and 0.001 as literals: 1 − 0.9 is not 0.1 in float64). The tensor optimizers of
 * the supernets live beside it in optimizers.ts.
 */
export class FlatAdam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  constructor(
    private readonly params: Float64Array,
    private readonly learningRate: number,
  ) {
    this.m = new Float64Array(params.length);
    this.v = new Float64Array(params.length);
  }

  /** One step down `grads` (same length as the parameters). */
  step(grads: Float64Array): void {
    const { params: p, m, v } = this;
    this.t++;
    const c1 = 1 - 0.9 ** this.t;
    const c2 = 1 - 0.999 ** this.t;
    for (let k = 0; k < p.length; k++) {
      m[k] = 0.9 * m[k] + 0.1 * grads[k];
      v[k] = 0.999 * v[k] + 0.001 * grads[k] * grads[k];
      p[k] -= (this.learningRate * (m[k] / c1)) / (Math.sqrt(v[k] / c2) + 1e-7);
    }
  }
}
