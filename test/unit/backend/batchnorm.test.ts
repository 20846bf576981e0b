import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '../../../src-main/engine/backend/kernels/batch-norm-names';
import { batchNormNoAffine } from '../../../src-main/engine/ops/primitives';
import { batchNormGradReference, batchNormReference, relativeTo } from './batchnorm-reference';
import { registerTrainingKernels, restoreStockKernels } from '../../../src-main/engine/backend/kernels/index';
import { initBackends, runOn } from './compare';

const TOL = 1e-4;

/** x = offset + spread·N(0,1): a mean far from zero tests the two-pass variance. */
function input(rng: Rng, size: number, offset = 3, spread = 2): Float32Array {
  return Float32Array.from({ length: size }, () => offset + spread * rng.normal());
}

/** [y, dx] of batchNormNoAffine on the current backend, dx the gradient of Σ y·w. */
function forwardAndGrad(x: Float32Array, w: Float32Array, shape: number[]): tf.Tensor[] {
  const xt = tf.tensor4d(x, shape as [number, number, number, number]);
  const wt = tf.tensor4d(w, xt.shape);
  const y = batchNormNoAffine(xt);
  const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(batchNormNoAffine(v as tf.Tensor4D), wt)))(xt);
  return [y, dx];
}

const shapes: number[][] = [];
for (const c of [1, 3, 8, 24, 32]) shapes.push([1, 2, 3, c], [2, 3, 3, c], [1, 16, 17, c]);
const referenceShapes = [[32, 28, 28, 24], [32, 28, 28, 8], [32, 14, 14, 16], [32, 7, 7, 32]];

describe('fused batch norm on wasm (NasBatchNormTrain / NasBatchNormTrainGrad)', () => {
  beforeAll(initBackends);

  it('the float64 reference gradient is the finite-difference derivative of the float64 forward', () => {
    const rng = new Rng(1);
    const channels = 3;
    const x = Array.from({ length: 4 * channels }, () => rng.normal());
    const w = Array.from({ length: x.length }, () => rng.normal());
    const loss = (v: number[]) => batchNormReference(v, channels).y.reduce((a, y, i) => a + y * w[i], 0);
    const grad = batchNormGradReference(x, w, channels);
    const h = 1e-6;
    const numeric = x.map((_, i) => (loss(x.map((v, j) => (j === i ? v + h : v))) - loss(x.map((v, j) => (j === i ? v - h : v)))) / (2 * h));
    expect(relativeTo(grad, numeric)).toBeLessThan(1e-6);
  });

  it('is registered for wasm, so batchNormNoAffine takes it there', () => {
    expect(tf.getKernel(BATCH_NORM_TRAIN, 'wasm')).toBeDefined();
    expect(tf.getKernel(BATCH_NORM_TRAIN_GRAD, 'wasm')).toBeDefined();
    expect(tf.getKernel(BATCH_NORM_TRAIN, 'cpu')).toBeUndefined();
  });

  it.each([...shapes, ...referenceShapes].map((s) => [s.join('x'), s] as const))('forward and gradient at %s match float64 and the composed cpu version (rel. 1e-4)', async (_, shape) => {
    const rng = new Rng(shape.reduce((a, b) => a * 31 + b, 7));
    const size = shape.reduce((a, b) => a * b, 1);
    const x = input(rng, size);
    const w = input(rng, size, 0, 1);
    const channels = shape[3];
    const [wasmY, wasmDx] = await runOn('wasm', () => forwardAndGrad(x, w, shape));
    const [cpuY, cpuDx] = await runOn('cpu', () => forwardAndGrad(x, w, shape));
    await tf.setBackend('wasm');
    const y64 = batchNormReference(x, channels).y;
    const dx64 = batchNormGradReference(x, w, channels);
    expect(relativeTo(wasmY, y64)).toBeLessThan(TOL);
    expect(relativeTo(wasmDx, dx64)).toBeLessThan(TOL);
    expect(relativeTo(wasmY, cpuY)).toBeLessThan(TOL);
    expect(relativeTo(wasmDx, cpuDx)).toBeLessThan(TOL);
  });

  it('the forward kernel returns invStd shaped [1,1,1,C] equal to 1/√(var + 1e-5)', () => {
    const rng = new Rng(5);
    for (const channels of [3, 8]) {
      const x = input(rng, 2 * 5 * 5 * channels);
      const { invStd } = batchNormReference(x, channels);
      const out = tf.tidy(() => {
        const [, inv] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x: tf.tensor4d(x, [2, 5, 5, channels]) }) as tf.Tensor[];
        return inv;
      });
      expect(out.shape).toEqual([1, 1, 1, channels]);
      expect(relativeTo(out.dataSync(), invStd)).toBeLessThan(TOL);
      out.dispose();
    }
  });

  it('leaks neither tensors nor heap blocks over repeated steps (SIMD and scalar paths)', () => {
    const rng = new Rng(9);
    for (const shape of [[4, 6, 6, 8], [4, 6, 6, 3]]) {
      const x = input(rng, shape.reduce((a, b) => a * b, 1));
      const step = () => tf.tidy(() => void forwardAndGrad(x, x, shape));
      step();
      const tensors = tf.memory().numTensors;
      const dataIds = tf.backend().numDataIds();
      for (let i = 0; i < 3; i++) step();
      expect(tf.memory().numTensors).toBe(tensors);
      expect(tf.backend().numDataIds()).toBe(dataIds);
    }
  });

  it('restoreStockKernels removes the fused kernels and batchNormNoAffine composes stock ops on wasm, to the same values', async () => {
    const rng = new Rng(13);
    const shape = [2, 5, 5, 8];
    const x = input(rng, 2 * 5 * 5 * 8);
    const w = input(rng, x.length, 0, 1);
    const [fusedY, fusedDx] = await runOn('wasm', () => forwardAndGrad(x, w, shape));
    restoreStockKernels();
    try {
      expect(tf.getKernel(BATCH_NORM_TRAIN, 'wasm')).toBeUndefined();
      const [stockY, stockDx] = await runOn('wasm', () => forwardAndGrad(x, w, shape));
      expect(relativeTo(fusedY, stockY)).toBeLessThan(TOL);
      expect(relativeTo(fusedDx, stockDx)).toBeLessThan(TOL);
    } finally {
      registerTrainingKernels();
    }
    expect(tf.getKernel(BATCH_NORM_TRAIN, 'wasm')).toBeDefined();
  });

  it('refuses a gradient whose inputs do not belong together, and non-float input', () => {
    tf.tidy(() => {
      const dy = tf.ones([2, 3, 3, 8]);
      expect(() => tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy, y: tf.ones([2, 3, 3, 4]), invStd: tf.ones([1, 1, 1, 8]) })).toThrow(/do not belong together/);
      expect(() => tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy, y: dy, invStd: tf.ones([1, 1, 1, 4]) })).toThrow(/do not belong together/);
      expect(() => tf.engine().runKernel(BATCH_NORM_TRAIN, { x: tf.ones([2, 3, 3, 8], 'int32') })).toThrow(/must be float32/);
    });
  });
});
