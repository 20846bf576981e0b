import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NAS_SGD_MOMENTUM, NAS_SUM_OF_SQUARES } from '../../../src-main/engine/optim/fused';
import { AdamL2, clipByGlobalNorm, clipScale, globalNorm } from '../../../src-main/engine/optim/optimizers';
import { initBackends, relativeError } from '../backend/compare';
import { BACKENDS, onPath, problem, SHAPES } from './helpers';

/** Parameters after 4 Adam steps (lr 0.01, β 0.9/0.999, wd 0.001). */
function runAdam(seed: number): Float32Array[] {
  const { weights, grads } = problem(seed, 4);
  const vars = weights.map((w, i) => tf.variable(tf.tensor(w, SHAPES[i])));
  const adam = new AdamL2(0.01, 0.9, 0.999, 1e-3);
  for (const stepGrads of grads) {
    const g = stepGrads.map((values, i) => tf.tensor(values, SHAPES[i]));
    adam.step(vars, g);
    tf.dispose(g);
  }
  const out = vars.map((v) => v.dataSync() as Float32Array);
  tf.dispose(vars);
  adam.dispose();
  return out;
}

describe('AdamL2: fused kernel against the composed ops', () => {
  beforeAll(initBackends);
  it.each(BACKENDS)('%s: parameters agree to 1e-6 relative over 4 steps', async (backend) => {
    const fused = await onPath(backend, 'fused', () => runAdam(11));
    const composed = await onPath(backend, 'composed', () => runAdam(11));
    fused.forEach((f, i) => expect(relativeError(f, composed[i])).toBeLessThan(1e-6));
  });

  /** First step by hand: m̂ = g', v̂ = g'², so p moves by lr·g'/(|g'| + eps) = lr·sign(g'). */
  const paths = BACKENDS.flatMap((b) => (['fused', 'composed'] as const).map((p) => [b, p] as const));
  it.each(paths)('%s, %s: the first step moves each parameter by lr against the sign of g + wd·p', async (backend, path) => {
    const p = await onPath(backend, path, () => {
      const v = tf.variable(tf.tensor1d([1, -2, 0.5]));
      const adam = new AdamL2(0.1, 0.9, 0.999, 0.5);
      const g = tf.tensor1d([0.3, 0.2, -1]); // g' = [0.8, −0.8, −0.75]
      adam.step([v], [g]);
      const out = Array.from(v.dataSync());
      tf.dispose([v, g]);
      adam.dispose();
      return out;
    });
    [0.9, -1.9, 0.6].forEach((x, i) => expect(p[i]).toBeCloseTo(x, 6));
  });
});

describe('global norm', () => {
  beforeAll(initBackends);
  const { grads } = problem(5, 1);
  const float64Norm = Math.sqrt(grads[0].reduce((total, values) => values.reduce((a, x) => a + x * x, total), 0));

  for (const backend of BACKENDS) {
    it.each(['fused', 'composed'] as const)(`${backend}, %s: equals a float64 sum in JS to 1e-6`, async (path) => {
      const norm = await onPath(backend, path, () => {
        const g = grads[0].map((values, i) => tf.tensor(values, SHAPES[i]));
        const n = globalNorm(g);
        tf.dispose(g);
        return n;
      });
      expect(Math.abs(norm - float64Norm) / float64Norm).toBeLessThan(1e-6);
    });
  }

  it('is 0 for no tensors and for zeros', async () => {
    await onPath('wasm', 'fused', () => {
      expect(globalNorm([])).toBe(0);
      const z = tf.zeros([3, 4]);
      expect(globalNorm([z])).toBe(0);
      z.dispose();
    });
  });

  it('clipByGlobalNorm scales to maxNorm by clipScale and leaves small gradients alone', async () => {
    await onPath('wasm', 'fused', () => {
      const g = grads[0].map((values, i) => tf.tensor(values, SHAPES[i]));
      const maxNorm = float64Norm / 4;
      const before = tf.memory().numTensors;
      const { clipped, norm } = clipByGlobalNorm(g, maxNorm);
      expect(tf.memory().numTensors).toBe(before); // the originals were disposed
      expect(Math.abs(norm - float64Norm) / float64Norm).toBeLessThan(1e-6);
      expect(Math.abs(globalNorm(clipped) - maxNorm) / maxNorm).toBeLessThan(1e-5);
      const kept = clipByGlobalNorm(clipped, 2 * float64Norm);
      expect(kept.clipped).toBe(clipped);
      tf.dispose(clipped);
    });
    expect(clipScale(10, 5)).toBeCloseTo(5 / (10 + 1e-6), 12);
    expect(clipScale(1, 5)).toBe(1);
  });
});

describe('fused kernels refuse bad input', () => {
  beforeAll(initBackends);
  it.each(BACKENDS)('%s: a gradient of another size, an int32 tensor', async (backend) => {
    await onPath(backend, 'fused', () => {
      const w = tf.zeros([4]);
      const g = tf.zeros([5]);
      const attrs = { lr: 0.1, momentum: 0.9, weightDecay: 0, gradScale: 1 };
      expect(() => tf.engine().runKernel(NAS_SGD_MOMENTUM, { w, g }, attrs)).toThrow(/input 'g' has shape \[5\], expected 4 elements/);
      const i = tf.zeros([4], 'int32');
      expect(() => tf.engine().runKernel(NAS_SUM_OF_SQUARES, [i] as unknown as tf.NamedTensorMap)).toThrow(/float32 tensors only, got int32/);
      tf.dispose([w, g, i]);
    });
  });
});
