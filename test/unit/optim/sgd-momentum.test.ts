import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SgdMomentum } from '../../../src-main/engine/optim/optimizers';
import { initBackends, relativeError } from '../backend/compare';
import { BACKENDS, onPath, problem, SHAPES, type Backend, type Path } from './helpers';

interface SgdCase {
  label: string;
  momentum: number;
  weightDecay: number;
  /** Gradient scale per step (clipping's factor; 1 = none). */
  scales: number[];
}

const cases: SgdCase[] = [
  { label: 'momentum, weight decay, clipping scales', momentum: 0.9, weightDecay: 3e-4, scales: [1, 0.37, 1, 0.81] },
  { label: 'no weight decay, no scale', momentum: 0.9, weightDecay: 0, scales: [1, 1, 1, 1] },
  { label: 'no momentum (the buffer is the last d)', momentum: 0, weightDecay: 0.01, scales: [0.5, 1, 0.25, 1] },
];

/** Weights, then μ·buf, after the steps of `c` (every tensor disposed, values read). */
function runSgd(c: SgdCase, seed: number): Float32Array[] {
  const { weights, grads } = problem(seed, c.scales.length);
  const vars = weights.map((w, i) => tf.variable(tf.tensor(w, SHAPES[i])));
  const sgd = new SgdMomentum(c.momentum, c.weightDecay);
  c.scales.forEach((scale, step) => {
    const g = grads[step].map((values, i) => tf.tensor(values, SHAPES[i]));
    sgd.step(vars, g, 0.05 * (step + 1), scale);
    tf.dispose(g);
  });
  const momenta = vars.map((v) => sgd.scaledMomentum(v));
  const out = [...vars, ...momenta].map((t) => t.dataSync() as Float32Array);
  tf.dispose([...vars, ...momenta]);
  sgd.dispose();
  return out;
}

describe('SgdMomentum: fused kernel against the composed ops', () => {
  beforeAll(initBackends);

  for (const backend of BACKENDS) {
    it.each(cases.map((c) => [c.label, c] as const))(`${backend}: %s agree to 1e-6 relative over 4 steps`, async (_, c) => {
      const fused = await onPath(backend, 'fused', () => runSgd(c, 7));
      const composed = await onPath(backend, 'composed', () => runSgd(c, 7));
      fused.forEach((f, i) => expect(relativeError(f, composed[i])).toBeLessThan(1e-6));
    });
  }

  it('wasm and cpu fused kernels agree', async () => {
    const wasm = await onPath('wasm', 'fused', () => runSgd(cases[0], 3));
    const cpu = await onPath('cpu', 'fused', () => runSgd(cases[0], 3));
    wasm.forEach((w, i) => expect(relativeError(w, cpu[i])).toBeLessThan(1e-6));
  });
});

/**
 * By hand: w = [1, −2], μ 0.9, wd 0.1, lr 0.1, gradients scaled by 0.5.
 * Step 1, g = [0.5, 0.25]: d = [0.25 + 0.1, 0.125 − 0.2] = [0.35, −0.075] = buf; w = [0.965, −1.9925].
 * Step 2, g = [−1, 2]: d = [−0.5 + 0.0965, 1 − 0.19925] = [−0.4035, 0.80075];
 * buf = 0.9·[0.35, −0.075] + d = [−0.0885, 0.73325]; w = [0.965 + 0.00885, −1.9925 − 0.073325].
 */
describe.each(BACKENDS.flatMap((b) => (['fused', 'composed'] as Path[]).map((p) => [b, p] as [Backend, Path])))('SgdMomentum by hand on %s, %s', (backend, path) => {
  beforeAll(initBackends);
  it('matches two hand-worked steps', async () => {
    const [w, momentum] = await onPath(backend, path, () => {
      const v = tf.variable(tf.tensor1d([1, -2]));
      const sgd = new SgdMomentum(0.9, 0.1);
      for (const g of [[0.5, 0.25], [-1, 2]]) {
        const grad = tf.tensor1d(g);
        sgd.step([v], [grad], 0.1, 0.5);
        grad.dispose();
      }
      const m = sgd.scaledMomentum(v);
      const out = [Array.from(v.dataSync()), Array.from(m.dataSync())];
      tf.dispose([v, m]);
      sgd.dispose();
      return out;
    });
    [0.97385, -2.065825].forEach((x, i) => expect(w[i]).toBeCloseTo(x, 6));
    [0.9 * -0.0885, 0.9 * 0.73325].forEach((x, i) => expect(momentum[i]).toBeCloseTo(x, 6));
  });

  it('lookAhead gives w − lr·(μ·buf + g + wd·w) and leaves the buffer alone', async () => {
    const [ahead, momentum] = await onPath(backend, path, () => {
      const v = tf.variable(tf.tensor1d([1, -2]));
      const sgd = new SgdMomentum(0.9, 0.1);
      const g1 = tf.tensor1d([0.5, 0.25]);
      sgd.step([v], [g1], 0.1, 0.5); // w = [0.965, −1.9925], buf = [0.35, −0.075]
      const g2 = tf.tensor1d([-1, 2]);
      const next = sgd.lookAhead(v, g2, 0.2, 0.01);
      const m = sgd.scaledMomentum(v);
      const out = [Array.from(next.dataSync()), Array.from(m.dataSync())];
      tf.dispose([v, g1, g2, next, m]);
      sgd.dispose();
      return out;
    });
    // μ·buf + g + wd·w = [0.315 − 1 + 0.00965, −0.0675 + 2 − 0.019925] = [−0.67535, 1.912575]
    [0.965 + 0.2 * 0.67535, -1.9925 - 0.2 * 1.912575].forEach((x, i) => expect(ahead[i]).toBeCloseTo(x, 6));
    [0.315, -0.0675].forEach((x, i) => expect(momentum[i]).toBeCloseTo(x, 6));
  });
});

describe('SgdMomentum memory', () => {
  beforeAll(initBackends);
  it.each(BACKENDS)('%s: numTensors stays flat over fused steps', async (backend) => {
    await onPath(backend, 'fused', () => {
      const vars = SHAPES.map((s) => tf.variable(tf.randomNormal(s, 0, 1, 'float32', 1)));
      const sgd = new SgdMomentum(0.9, 3e-4);
      const counts: number[] = [];
      for (let step = 0; step < 5; step++) {
        const g = SHAPES.map((s) => tf.randomNormal(s, 0, 1, 'float32', step));
        sgd.step(vars, g, 0.1, 0.5);
        tf.dispose(g);
        counts.push(tf.memory().numTensors);
      }
      expect(new Set(counts.slice(1)).size).toBe(1);
      sgd.dispose();
      tf.dispose(vars);
    });
  });
});
