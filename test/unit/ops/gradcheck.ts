import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src-shared/model/rng';

/** A float32 tensor of standard normals drawn from `rng`. */
export function randn(rng: Rng, shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.normal();
  return tf.tensor(v, shape);
}

export interface GradCheckResult {
  analytic: number;
  numeric: number;
}

/**
 * Directional-derivative check of f at (x, variables): L = Σ f(x)·R for a fixed random R; the
 * analytic ⟨∇L, v⟩ (tfjs autodiff) against the central difference (L(θ+hv) − L(θ−hv)) / 2h, with L
 * summed in double precision from the float32 outputs. One result per random direction v.
 */
export function directionalGradCheck(
  f: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  variables: tf.Variable[],
  rng: Rng,
  { h = 3e-4, directions = 3 } = {},
): GradCheckResult[] {
  const outShape = tf.tidy(() => f(x).shape);
  const r = randn(rng, outShape);
  const rValues = r.dataSync();
  const lossAt = (input: tf.Tensor): number => {
    const out = tf.tidy(() => f(input));
    const o = out.dataSync();
    out.dispose();
    let s = 0;
    for (let i = 0; i < o.length; i++) s += o[i] * rValues[i];
    return s;
  };
  const results: GradCheckResult[] = [];
  for (let d = 0; d < directions; d++) {
    const vx = randn(rng, x.shape);
    const vw = variables.map((v) => randn(rng, v.shape));
    const analytic = tf.tidy(() => {
      const grads = variables.length ? tf.variableGrads(() => tf.sum(tf.mul(f(x), r)) as tf.Scalar, variables).grads : {};
      const gx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input), r)))(x);
      let dot = tf.sum(tf.mul(gx, vx));
      variables.forEach((v, i) => {
        dot = tf.add(dot, tf.sum(tf.mul(grads[v.name], vw[i])));
      });
      return dot.dataSync()[0];
    });
    const originals = variables.map((v) => v.clone());
    const shift = (sign: number): number => {
      variables.forEach((v, i) => {
        const shifted = tf.tidy(() => tf.add(originals[i], tf.mul(vw[i], sign * h)));
        v.assign(shifted);
        shifted.dispose();
      });
      const xs = tf.tidy(() => tf.add(x, tf.mul(vx, sign * h)));
      const l = lossAt(xs);
      xs.dispose();
      return l;
    };
    const numeric = (shift(1) - shift(-1)) / (2 * h);
    variables.forEach((v, i) => v.assign(originals[i]));
    tf.dispose([...originals, vx, ...vw]);
    results.push({ analytic, numeric });
  }
  r.dispose();
  return results;
}

/** |a − n| ≤ rtol·max(|a|, |n|) + atol. */
export function expectClose({ analytic, numeric }: GradCheckResult, rtol: number, atol: number): void {
  const err = Math.abs(analytic - numeric);
  const bound = rtol * Math.max(Math.abs(analytic), Math.abs(numeric)) + atol;
  if (!(err <= bound)) throw new Error(`gradient mismatch: analytic ${analytic}, numeric ${numeric} (|diff| ${err} > ${bound})`);
}

/**
 * Distinct values 0.05 apart in shuffled order, centred on 0: max pooling is piecewise linear and a
 * finite difference that crosses a near-tie between two window entries is meaningless, so its check
 * runs where no perturbation of size h·|v| can reorder any two entries.
 */
export function separatedInput(rng: Rng, shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const order = rng.shuffle(Array.from({ length: size }, (_, i) => i));
  return tf.tensor(Float32Array.from(order, (k) => (k - size / 2) * 0.05), shape);
}
