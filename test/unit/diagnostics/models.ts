import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../src-shared/model/rng';
import type { Matrix } from './linalg';

/*
 * Model 1, shaped like DARTS alphas: two variables A, B of [edges, ops];
 * f = Σ_e softmax(A_e)·c_e + Σ_e softmax(B_e)·d_e, L = f²/2.
 * Closed form: ∇f_ei = s_i (c_i − m_e) with m_e = s·c_e; ∇²f is block diagonal per edge with
 * ∂²f/∂α_i∂α_j = s_i(δ_ij − s_j)(c_i − m_e) − s_i s_j (c_j − m_e); H = ∇f∇fᵀ + f ∇²f.
 *
 * Model 2, logistic regression: L(w) = mean(softplus(x·w) − y x·w), H = (1/n) Σ p(1−p) x xᵀ.
 */
const EDGES = 3;
const OPS = 4;

export function softmaxQuadratic(rng: Rng) {
  const init = () => Array.from({ length: EDGES }, () => Array.from({ length: OPS }, () => rng.normal()));
  const a0 = init();
  const b0 = init();
  const c = init();
  const d = init();
  const lossFn = (alphas: tf.Variable[]): tf.Scalar =>
    tf.tidy(() => {
      const f = tf.add(tf.sum(tf.mul(tf.softmax(alphas[0]), tf.tensor2d(c))), tf.sum(tf.mul(tf.softmax(alphas[1]), tf.tensor2d(d))));
      return tf.mul(0.5, tf.square(f)) as tf.Scalar;
    });
  const hessian = (): Matrix => {
    const rows = [...a0, ...b0];
    const consts = [...c, ...d];
    const n = rows.length * OPS;
    const grad: number[] = [];
    const blocks: number[][][] = [];
    let f = 0;
    rows.forEach((row, e) => {
      const max = Math.max(...row);
      const ex = row.map((x) => Math.exp(x - max));
      const z = ex.reduce((s, x) => s + x, 0);
      const s = ex.map((x) => x / z);
      const m = s.reduce((acc, si, i) => acc + si * consts[e][i], 0);
      f += m;
      grad.push(...s.map((si, i) => si * (consts[e][i] - m)));
      blocks.push(s.map((si, i) => s.map((sj, j) => si * ((i === j ? 1 : 0) - sj) * (consts[e][i] - m) - si * sj * (consts[e][j] - m))));
    });
    return Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => {
        const sameEdge = Math.floor(i / OPS) === Math.floor(j / OPS);
        return grad[i] * grad[j] + (sameEdge ? f * blocks[Math.floor(i / OPS)][i % OPS][j % OPS] : 0);
      }),
    );
  };
  return { init: [a0, b0], lossFn, hessian };
}

export function logisticRegression(rng: Rng) {
  const n = 40;
  const dim = 6;
  const x = Array.from({ length: n }, () => Array.from({ length: dim }, () => rng.normal()));
  const y = Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
  const w0 = Array.from({ length: dim }, () => 0.5 * rng.normal());
  const lossFn = (alphas: tf.Variable[]): tf.Scalar =>
    tf.tidy(() => {
      const z = tf.matMul(tf.tensor2d(x), alphas[0].reshape([dim, 1])).reshape([n]);
      return tf.mean(tf.sub(tf.softplus(z), tf.mul(tf.tensor1d(y), z))) as tf.Scalar;
    });
  const hessian = (): Matrix => {
    const h = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
    for (const xi of x) {
      const p = 1 / (1 + Math.exp(-xi.reduce((s, v, k) => s + v * w0[k], 0)));
      for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) h[i][j] += (p * (1 - p) * xi[i] * xi[j]) / n;
    }
    return h;
  };
  return { w0, lossFn, hessian };
}
