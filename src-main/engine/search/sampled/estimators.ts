import type { Rng } from '../../../../src-shared/model/rng';
import type { SnasEstimator } from '../../../../src-shared/model/algorithms/snas';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import {
  argmaxRows,
  conditionalGumbel,
  conditionalJvp,
  conditionalVjp,
  gumbelNoise,
  gumbelSoftmax,
  softmaxRow,
  softmaxRows,
  softmaxVjp,
  type Rows,
} from './gumbel';

/**
 * The loss as a function of the architecture sample: at relaxed edge weights (one row per edge,
 * summing to 1) with its gradient w.r.t. those weights, and at a discrete choice (one op per edge).
 * For a supernet both are forward passes on one batch; in tests, closed forms.
 */
export interface SampledObjective {
  relaxed(weights: Rows): { value: number; grad: Rows };
  discrete(choice: readonly number[]): number;
}

export interface Estimate {
  /** Estimate of ∇α E_{b ~ Cat(softmax α)}[f(b)] (for 'gumbel': of the relaxed objective). */
  grad: Rows;
  /** The loss of the sample the estimate was built on. */
  loss: number;
}

/** Anything an estimator learns across calls (SF's baseline, RELAX's control variate). */
export interface GradientEstimator {
  readonly name: SnasEstimator;
  estimate(alpha: Rows, objective: SampledObjective, rng: Rng, tau: number): Estimate;
  /** An independent copy, so measuring variance does not train the running estimator. */
  clone(): GradientEstimator;
  /** What it learned so far (nothing for the stateless ones), for a checkpoint. */
  saveState(out: StateWriter): void;
  loadState(from: StateReader): void;
}

/** The checkpoint methods of an estimator that learns nothing across calls. */
const stateless = {
  saveState(): void {},
  loadState(): void {},
};

const zerosLike = (rows: readonly (readonly number[])[]): Rows => rows.map((r) => r.map(() => 0));

/** ∇α log p(b) for independent softmax rows: one_hot(b) − θ. */
function scoreOf(theta: Rows, choice: readonly number[]): Rows {
  return theta.map((row, e) => row.map((t, k) => (k === choice[e] ? 1 : 0) - t));
}

/** SNAS's own: the reparameterised Gumbel-softmax gradient ∇α f(softmax((α + G)/τ)), biased for τ > 0. */
export class GumbelSoftmaxEstimator implements GradientEstimator {
  readonly name = 'gumbel' as const;
  estimate(alpha: Rows, objective: SampledObjective, rng: Rng, tau: number): Estimate {
    const w = gumbelSoftmax(alpha, gumbelNoise(rng, alpha), tau);
    const { value, grad } = objective.relaxed(w);
    return { grad: w.map((row, e) => softmaxVjp(row, grad[e], tau)), loss: value };
  }
  clone(): GradientEstimator {
    return new GumbelSoftmaxEstimator();
  }
  saveState = stateless.saveState;
  loadState = stateless.loadState;
}

/** Score function (REINFORCE) with a moving-average baseline β: (f(b) − β)·∇α log p(b). */
export class ScoreFunctionEstimator implements GradientEstimator {
  readonly name = 'sf' as const;
  constructor(private readonly decay: number, private baseline: number | null = null) {}
  estimate(alpha: Rows, objective: SampledObjective, rng: Rng): Estimate {
    const theta = softmaxRows(alpha);
    const choice = argmaxRows(alpha.map((row) => row.map((a) => a + rng.gumbel())));
    const f = objective.discrete(choice);
    // β comes from earlier draws only, so it is independent of this sample: the estimate stays unbiased.
    const beta = this.baseline ?? 0;
    this.baseline = this.baseline === null ? f : this.decay * this.baseline + (1 - this.decay) * f;
    return { grad: scoreOf(theta, choice).map((row) => row.map((s) => (f - beta) * s)), loss: f };
  }
  clone(): GradientEstimator {
    return new ScoreFunctionEstimator(this.decay, this.baseline);
  }
  saveState(out: StateWriter): void {
    out.json('baseline', this.baseline);
  }
  loadState(from: StateReader): void {
    this.baseline = from.json<number | null>('baseline');
  }
}

/**
 * RAM (Tokui and Sato 2017, "Evaluating the variance of likelihood-ratio gradient estimators"):
 * for each edge, the other edges' sample held fixed, the loss of every op k of that edge weighted by
 * ∇θ_k: ĝ_e = Σ_k f(b_{−e}, k) ∇α_e θ_{e,k} = θ_e ⊙ (f_e − θ_e·f_e). Unbiased; edges × ops losses per call.
 */
export class RamEstimator implements GradientEstimator {
  readonly name = 'ram' as const;
  estimate(alpha: Rows, objective: SampledObjective, rng: Rng): Estimate {
    const theta = softmaxRows(alpha);
    const choice = argmaxRows(alpha.map((row) => row.map((a) => a + rng.gumbel())));
    let sampled = Number.NaN;
    const grad = theta.map((row, e) => {
      const f = row.map((_, k) => {
        const value = objective.discrete(choice.map((c, i) => (i === e ? k : c)));
        if (k === choice[e]) sampled = value;
        return value;
      });
      const mean = row.reduce((s, t, k) => s + t * f[k], 0);
      return row.map((t, k) => t * (f[k] - mean));
    });
    return { grad, loss: sampled };
  }
  clone(): GradientEstimator {
    return new RamEstimator();
  }
  saveState = stateless.saveState;
  loadState = stateless.loadState;
}

/**
 * RELAX (Grathwohl et al., ICLR 2018) for independent categoricals, z = log θ + G, b = argmax z,
 * z̃ ~ p(z | b):  ĝ = [f(b) − c(z̃)]·∇ log p(b) + ∇α c(z) − ∇α c(z̃), unbiased for any c.
 * The control variate c(z) = η·f(softmax(z/τ)) + Σ_e ρ_e·softmax(z_e/τ) is REBAR's relaxed loss
 * with a learned scale plus a learned linear surrogate; both parameters are linear in ĝ, so the
 * single-sample gradient of the variance, 2ĝ·∂ĝ/∂(η, ρ), is exact without second derivatives.
 * λ (the relaxation temperature) is the run's τ, not learned.
 */
export class RelaxEstimator implements GradientEstimator {
  readonly name = 'relax' as const;
  private eta = 1;
  private rho: Rows | null = null;
  private readonly moments = { t: 0, m: [] as number[], v: [] as number[] };

  constructor(private readonly learningRate: number) {}

  estimate(alpha: Rows, objective: SampledObjective, rng: Rng, tau: number): Estimate {
    const rho = (this.rho ??= zerosLike(alpha));
    const theta = softmaxRows(alpha);
    const z = theta.map((row) => row.map((t) => Math.log(t) + rng.gumbel()));
    const choice = argmaxRows(z);
    const cond = theta.map((row, e) => conditionalGumbel(row, choice[e], rng));
    const sz = softmaxRows(z, tau);
    const sc = cond.map((c) => softmaxRow(c.z, tau));
    const fb = objective.discrete(choice);
    const atZ = objective.relaxed(sz);
    const atCond = objective.relaxed(sc);
    const score = scoreOf(theta, choice);
    const surrogate = (s: Rows) => s.reduce((acc, row, e) => acc + row.reduce((a, v, k) => a + v * rho[e][k], 0), 0);
    const cCond = this.eta * atCond.value + surrogate(sc);
    // ∇α c(z) and ∇α c(z̃): the loss part (B terms) and the surrogate part, through the softmax and z̃(α).
    const dfZ = sz.map((w, e) => softmaxVjp(w, atZ.grad[e], tau));
    const dfCond = sc.map((w, e) => conditionalVjp(theta[e], cond[e].dzdTheta, softmaxVjp(w, atCond.grad[e], tau)));
    const drZ = sz.map((w, e) => softmaxVjp(w, rho[e], tau));
    const drCond = sc.map((w, e) => conditionalVjp(theta[e], cond[e].dzdTheta, softmaxVjp(w, rho[e], tau)));
    const grad = score.map((row, e) =>
      row.map((s, k) => (fb - cCond) * s + this.eta * (dfZ[e][k] - dfCond[e][k]) + drZ[e][k] - drCond[e][k]),
    );
    this.adaptControlVariate(grad, score, atCond.value, dfZ, dfCond, sz, sc, theta, cond, tau);
    return { grad, loss: fb };
  }

  clone(): GradientEstimator {
    const copy = new RelaxEstimator(this.learningRate);
    copy.eta = this.eta;
    copy.rho = this.rho ? this.rho.map((r) => [...r]) : null;
    copy.moments.t = this.moments.t;
    copy.moments.m = [...this.moments.m];
    copy.moments.v = [...this.moments.v];
    return copy;
  }

  /** The control variate's scale η, surrogate ρ and its Adam moments. */
  saveState(out: StateWriter): void {
    out.json('relax', { eta: this.eta, rho: this.rho, moments: this.moments });
  }

  loadState(from: StateReader): void {
    const saved = from.json<{ eta: number; rho: Rows | null; moments: { t: number; m: number[]; v: number[] } }>('relax');
    this.eta = saved.eta;
    this.rho = saved.rho ? saved.rho.map((r) => [...r]) : null;
    this.moments.t = saved.moments.t;
    this.moments.m = [...saved.moments.m];
    this.moments.v = [...saved.moments.v];
  }

  /** One Adam step of (η, ρ) down the single-sample gradient of E[ĝ²]. */
  private adaptControlVariate(
    g: Rows,
    score: Rows,
    fCond: number,
    dfZ: Rows,
    dfCond: Rows,
    sz: Rows,
    sc: Rows,
    theta: Rows,
    cond: { dzdTheta: number[] }[],
    tau: number,
  ): void {
    const dot = (a: Rows, b: Rows) => a.reduce((s, row, e) => s + row.reduce((t, v, k) => t + v * b[e][k], 0), 0);
    const gDotScore = dot(g, score);
    // ∂ĝ/∂η = −f(σ(z̃))·s + ∇α f(σ(z)) − ∇α f(σ(z̃))
    const dEta = 2 * (-fCond * gDotScore + dot(g, dfZ) - dot(g, dfCond));
    // ĝ·∂ĝ/∂ρ_ej = −σ_j(z̃_e)(ĝ·s) + directional derivatives of σ_j(z_e) and σ_j(z̃_e) along ĝ_e.
    const dRho = sz.map((w, e) => {
      const alongZ = softmaxJvp(w, g[e], tau);
      const alongCond = softmaxJvp(sc[e], conditionalJvp(theta[e], cond[e].dzdTheta, g[e]), tau);
      return w.map((_, j) => 2 * (-sc[e][j] * gDotScore + alongZ[j] - alongCond[j]));
    });
    const grads = [dEta, ...dRho.flat()];
    const { moments } = this;
    moments.t++;
    if (moments.m.length === 0) {
      moments.m = grads.map(() => 0);
      moments.v = grads.map(() => 0);
    }
    const step = grads.map((d, i) => {
      if (!Number.isFinite(d)) return 0;
      moments.m[i] = 0.9 * moments.m[i] + 0.1 * d;
      moments.v[i] = 0.999 * moments.v[i] + 0.001 * d * d;
      const mHat = moments.m[i] / (1 - 0.9 ** moments.t);
      const vHat = moments.v[i] / (1 - 0.999 ** moments.t);
      return (this.learningRate * mHat) / (Math.sqrt(vHat) + 1e-8);
    });
    this.eta -= step[0];
    let i = 1;
    for (const row of this.rho!) for (let k = 0; k < row.length; k++) row[k] -= step[i++];
  }
}

/** JVP of w = softmax(z/τ) along v: (w ⊙ (v − w·v)) / τ (the softmax Jacobian is symmetric). */
function softmaxJvp(w: readonly number[], v: readonly number[], tau: number): number[] {
  return softmaxVjp(w, v, tau);
}

export function createEstimator(name: SnasEstimator, opts: { baselineDecay: number; relaxLearningRate: number }): GradientEstimator {
  switch (name) {
    case 'gumbel':
      return new GumbelSoftmaxEstimator();
    case 'sf':
      return new ScoreFunctionEstimator(opts.baselineDecay);
    case 'relax':
      return new RelaxEstimator(opts.relaxLearningRate);
    case 'ram':
      return new RamEstimator();
  }
}

/**
 * Mean over coordinates of the sample variance of `draws` estimates on the same α and objective,
 * each from a fresh copy of `estimator` (so the measurement leaves its state alone).
 */
export function estimatorVariance(estimator: GradientEstimator, alpha: Rows, objective: SampledObjective, rng: Rng, tau: number, draws: number): number {
  if (draws < 2) throw new Error(`a variance needs at least 2 draws, got ${draws}`);
  const samples = Array.from({ length: draws }, () => estimator.clone().estimate(alpha, objective, rng, tau).grad.flat());
  const dim = samples[0].length;
  let total = 0;
  for (let i = 0; i < dim; i++) {
    const mean = samples.reduce((s, g) => s + g[i], 0) / draws;
    total += samples.reduce((s, g) => s + (g[i] - mean) ** 2, 0) / (draws - 1);
  }
  return total / dim;
}

