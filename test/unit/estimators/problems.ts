import { Rng } from '../../../src-shared/model/rng';
import type { SampledObjective } from '../../../src-main/engine/search/sampled/estimators';
import { softmaxRows, type Rows } from '../../../src-main/engine/search/sampled/gumbel';

/**
 * Two edges of K ops with a loss table F[i][j] for the discrete pair (i, j), relaxed
 * multilinearly: f(W) = Σ_ij w1_i w2_j F_ij, so E_b[f(b)] = Σ θ1_i θ2_j F_ij in closed form.
 */
export function pairProblem(k: number, seed: number): { objective: SampledObjective; table: number[][] } {
  const rng = new Rng(seed);
  const table = Array.from({ length: k }, () => Array.from({ length: k }, () => 1 + 2 * rng.next()));
  const objective: SampledObjective = {
    discrete: (choice) => table[choice[0]][choice[1]],
    relaxed: (w) => {
      let value = 0;
      const g: Rows = [w[0].map(() => 0), w[1].map(() => 0)];
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          value += w[0][i] * w[1][j] * table[i][j];
          g[0][i] += w[1][j] * table[i][j];
          g[1][j] += w[0][i] * table[i][j];
        }
      }
      return { value, grad: g };
    },
  };
  return { objective, table };
}

/** ∇α of Σ θ1_i θ2_j F_ij, θ = softmax rows: ∂/∂α_e = θ_e ⊙ (m_e − θ_e·m_e), m the marginal losses. */
export function exactPairGradient(alpha: Rows, table: number[][]): Rows {
  const [t1, t2] = softmaxRows(alpha);
  const m1 = t1.map((_, i) => t2.reduce((s, t, j) => s + t * table[i][j], 0));
  const m2 = t2.map((_, j) => t1.reduce((s, t, i) => s + t * table[i][j], 0));
  const chain = (t: number[], m: number[]) => {
    const mean = t.reduce((s, v, i) => s + v * m[i], 0);
    return t.map((v, i) => v * (m[i] - mean));
  };
  return [chain(t1, m1), chain(t2, m2)];
}
